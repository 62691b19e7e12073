// The API server's name formats (k8s.io/apimachinery/pkg/util/validation).
"use strict";
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const qualifiedName = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ianaSvcName = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const envVarName = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const configKey = /^[-._a-zA-Z0-9]+$/;
const quantity = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|[numkMGTPE]|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

const isLabel = (s) => typeof s === "string" && s.length <= 63 && dns1123Label.test(s);
const isSubdomain = (s) => typeof s === "string" && s.length <= 253 && dns1123Subdomain.test(s);
const is1035 = (s) => typeof s === "string" && s.length <= 63 && dns1035Label.test(s);

function isQualifiedName(s) {
  if (typeof s !== "string") return false;
  const parts = s.split("/");
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  if (parts.length === 2 && !isSubdomain(parts[0])) return false;
  return name.length > 0 && name.length <= 63 && qualifiedName.test(name);
}
const isLabelValue = (s) => typeof s === "string" && s.length <= 63 && labelValue.test(s);
const isPortName = (s) =>
  typeof s === "string" && s.length <= 15 && ianaSvcName.test(s) && !s.includes("--") && /[a-z]/.test(s);
const isEnvVarName = (s) => typeof s === "string" && envVarName.test(s);
const isConfigKey = (s) => typeof s === "string" && s.length <= 253 && configKey.test(s);
const isQuantity = (s) => typeof s === "string" && quantity.test(s);

module.exports = { isLabel, isSubdomain, is1035, isQualifiedName, isLabelValue, isPortName,
                   isEnvVarName, isConfigKey, isQuantity };
