// What the API server checks beyond the OpenAPI schema (k8s.io/kubernetes/pkg/apis/*/validation),
// for the kinds `stack export k8s` writes. Each rule adds "path: message" to `errs`.
"use strict";
const n = require("./names");

const API_VERSION = {
  Deployment: "apps/v1", Job: "batch/v1", Service: "v1", ConfigMap: "v1", Secret: "v1",
  PersistentVolumeClaim: "v1", Namespace: "v1", ServiceAccount: "v1",
  Role: "rbac.authorization.k8s.io/v1", RoleBinding: "rbac.authorization.k8s.io/v1",
  NetworkPolicy: "networking.k8s.io/v1",
};

function checkMetadata(doc, errs) {
  const m = doc.metadata;
  if (!m || typeof m !== "object") return errs.push("metadata: required");
  const nameOk = doc.kind === "Service" ? n.is1035 : doc.kind === "Namespace" ? n.isLabel : n.isSubdomain;
  if (!nameOk(m.name)) errs.push(`metadata.name: "${m.name}" is not a valid ${doc.kind} name`);
  if (m.namespace !== undefined && !n.isLabel(m.namespace)) errs.push(`metadata.namespace: "${m.namespace}" invalid`);
  for (const [k, v] of Object.entries(m.labels || {})) {
    if (!n.isQualifiedName(k)) errs.push(`metadata.labels: key "${k}" is not a qualified name`);
    if (!n.isLabelValue(v)) errs.push(`metadata.labels.${k}: "${v}" is not a valid label value`);
  }
  for (const k of Object.keys(m.annotations || {}))
    if (!n.isQualifiedName(k)) errs.push(`metadata.annotations: key "${k}" is not a qualified name`);
}

// The kinds written here have no fractional fields: every number is an int32/int64.
function checkIntegers(value, path, errs) {
  if (typeof value === "number" && !Number.isInteger(value)) errs.push(`${path}: ${value} is not an integer`);
  else if (Array.isArray(value)) value.forEach((v, i) => checkIntegers(v, `${path}[${i}]`, errs));
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) checkIntegers(v, path ? `${path}.${k}` : k, errs);
}

function checkPort(p, path, errs) {
  if (typeof p === "number") {
    if (p < 1 || p > 65535) errs.push(`${path}: ${p} is not in 1-65535`);
  } else if (!n.isPortName(p)) {
    errs.push(`${path}: "${p}" is neither a port number nor a port name`);
  }
}

function selectorMatches(selector, labels) {
  for (const [k, v] of Object.entries(selector.matchLabels || {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions || []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === "In" && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === "NotIn" && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

function checkSelector(sel, path, errs) {
  if (!sel) return;
  for (const [k, v] of Object.entries(sel.matchLabels || {})) {
    if (!n.isQualifiedName(k)) errs.push(`${path}.matchLabels: key "${k}" invalid`);
    if (!n.isLabelValue(v)) errs.push(`${path}.matchLabels.${k}: "${v}" invalid`);
  }
  (sel.matchExpressions || []).forEach((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    if (!["In", "NotIn", "Exists", "DoesNotExist"].includes(e.operator)) errs.push(`${p}.operator: "${e.operator}" unknown`);
    const needsValues = e.operator === "In" || e.operator === "NotIn";
    if (needsValues && !(e.values && e.values.length)) errs.push(`${p}.values: required for ${e.operator}`);
    if (!needsValues && e.values && e.values.length) errs.push(`${p}.values: must be empty for ${e.operator}`);
  });
}

const HANDLERS = ["exec", "httpGet", "tcpSocket", "grpc"];

function checkProbe(probe, path, kind, namedPorts, errs) {
  const handlers = HANDLERS.filter((h) => probe[h] !== undefined);
  if (handlers.length !== 1) errs.push(`${path}: must have exactly one handler, has ${handlers.length} (${handlers.join(", ")})`);
  for (const f of ["periodSeconds", "timeoutSeconds", "failureThreshold", "successThreshold"])
    if (probe[f] !== undefined && probe[f] < 1) errs.push(`${path}.${f}: must be at least 1`);
  if ((kind === "liveness" || kind === "startup") && probe.successThreshold !== undefined && probe.successThreshold !== 1)
    errs.push(`${path}.successThreshold: must be 1 for ${kind} probes`);
  if (probe.exec && !(probe.exec.command && probe.exec.command.length)) errs.push(`${path}.exec.command: required`);
  for (const h of ["httpGet", "tcpSocket"]) {
    if (!probe[h]) continue;
    checkPort(probe[h].port, `${path}.${h}.port`, errs);
    if (typeof probe[h].port === "string" && !namedPorts.has(probe[h].port))
      errs.push(`${path}.${h}.port: no container port named "${probe[h].port}"`);
  }
  if (probe.httpGet && probe.httpGet.path !== undefined && !probe.httpGet.path.startsWith("/"))
    errs.push(`${path}.httpGet.path: must start with /`);
}

function quantityValue(q) {
  const m = /^([0-9.]+)(.*)$/.exec(q);
  const mult = { "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return m && mult[m[2]] !== undefined ? parseFloat(m[1]) * mult[m[2]] : NaN;
}

function checkResources(r, path, errs) {
  if (!r) return;
  for (const part of ["limits", "requests"])
    for (const [k, v] of Object.entries(r[part] || {}))
      if (!n.isQuantity(v)) errs.push(`${path}.${part}.${k}: "${v}" is not a quantity`);
  for (const [k, v] of Object.entries(r.requests || {})) {
    const lim = (r.limits || {})[k];
    if (lim !== undefined && quantityValue(v) > quantityValue(lim))
      errs.push(`${path}.requests.${k}: ${v} is more than the limit ${lim}`);
  }
}

function checkContainer(c, path, init, volumes, names, errs) {
  if (!n.isLabel(c.name)) errs.push(`${path}.name: "${c.name}" is not a DNS-1123 label`);
  else if (names.has(c.name)) errs.push(`${path}.name: "${c.name}" is used twice in the pod`);
  names.add(c.name);
  if (!c.image) errs.push(`${path}.image: required`);
  const portNames = new Set();
  (c.ports || []).forEach((p, i) => {
    checkPort(p.containerPort, `${path}.ports[${i}].containerPort`, errs);
    if (p.protocol !== undefined && !["TCP", "UDP", "SCTP"].includes(p.protocol))
      errs.push(`${path}.ports[${i}].protocol: "${p.protocol}" unknown`);
    if (p.name !== undefined) {
      if (!n.isPortName(p.name)) errs.push(`${path}.ports[${i}].name: "${p.name}" is not an IANA service name`);
      if (portNames.has(p.name)) errs.push(`${path}.ports[${i}].name: "${p.name}" is used twice`);
      portNames.add(p.name);
    }
  });
  for (const kind of ["readiness", "liveness", "startup"]) {
    const probe = c[`${kind}Probe`];
    if (!probe) continue;
    if (init && c.restartPolicy !== "Always") errs.push(`${path}.${kind}Probe: not allowed in init containers`);
    checkProbe(probe, `${path}.${kind}Probe`, kind, portNames, errs);
  }
  (c.env || []).forEach((e, i) => {
    if (!n.isEnvVarName(e.name)) errs.push(`${path}.env[${i}].name: "${e.name}" is not a valid variable name`);
    if (e.value !== undefined && e.valueFrom !== undefined) errs.push(`${path}.env[${i}]: value and valueFrom`);
  });
  (c.envFrom || []).forEach((e, i) => {
    const refs = ["configMapRef", "secretRef"].filter((k) => e[k]);
    if (refs.length !== 1) errs.push(`${path}.envFrom[${i}]: exactly one of configMapRef, secretRef`);
  });
  const paths = new Set();
  (c.volumeMounts || []).forEach((m, i) => {
    if (!volumes.has(m.name)) errs.push(`${path}.volumeMounts[${i}].name: no volume "${m.name}"`);
    if (!m.mountPath || !m.mountPath.startsWith("/")) errs.push(`${path}.volumeMounts[${i}].mountPath: must be absolute`);
    if (paths.has(m.mountPath)) errs.push(`${path}.volumeMounts[${i}].mountPath: "${m.mountPath}" mounted twice`);
    paths.add(m.mountPath);
    if (m.subPath !== undefined && (m.subPath.startsWith("/") || m.subPath.split("/").includes("..")))
      errs.push(`${path}.volumeMounts[${i}].subPath: must be relative without ..`);
  });
  checkResources(c.resources, `${path}.resources`, errs);
  const sc = c.securityContext || {};
  if (sc.allowPrivilegeEscalation === false && (sc.privileged || ((sc.capabilities || {}).add || []).includes("SYS_ADMIN")))
    errs.push(`${path}.securityContext: allowPrivilegeEscalation false with privileged or SYS_ADMIN`);
}

const VOLUME_SOURCES = ["emptyDir", "persistentVolumeClaim", "configMap", "secret", "hostPath", "projected", "downwardAPI"];

function checkPodSpec(spec, path, allowedRestart, errs) {
  if (!spec) return errs.push(`${path}: required`);
  const restart = spec.restartPolicy || "Always";
  if (!allowedRestart.includes(restart))
    errs.push(`${path}.restartPolicy: "${restart}" not allowed here (allowed: ${allowedRestart.join(", ")})`);
  const volumes = new Set();
  (spec.volumes || []).forEach((v, i) => {
    if (!n.isLabel(v.name)) errs.push(`${path}.volumes[${i}].name: "${v.name}" is not a DNS-1123 label`);
    if (volumes.has(v.name)) errs.push(`${path}.volumes[${i}].name: "${v.name}" is used twice`);
    volumes.add(v.name);
    const sources = VOLUME_SOURCES.filter((s) => v[s] !== undefined);
    if (sources.length !== 1) errs.push(`${path}.volumes[${i}]: must have exactly one source`);
    if (v.emptyDir && v.emptyDir.sizeLimit !== undefined && !n.isQuantity(v.emptyDir.sizeLimit))
      errs.push(`${path}.volumes[${i}].emptyDir.sizeLimit: not a quantity`);
  });
  if (!(spec.containers && spec.containers.length)) errs.push(`${path}.containers: at least one container`);
  const names = new Set();
  (spec.initContainers || []).forEach((c, i) => checkContainer(c, `${path}.initContainers[${i}]`, true, volumes, names, errs));
  (spec.containers || []).forEach((c, i) => checkContainer(c, `${path}.containers[${i}]`, false, volumes, names, errs));
  if (spec.hostname !== undefined && !n.isLabel(spec.hostname)) errs.push(`${path}.hostname: not a DNS-1123 label`);
  if (spec.serviceAccountName !== undefined && !n.isSubdomain(spec.serviceAccountName))
    errs.push(`${path}.serviceAccountName: invalid`);
}

function checkTemplate(tpl, path, restart, errs) {
  if (!tpl) return errs.push(`${path}: required`);
  const labels = (tpl.metadata || {}).labels || {};
  checkMetadata({ kind: "Pod", metadata: { name: "x", ...tpl.metadata } }, errs);
  checkPodSpec(tpl.spec, `${path}.spec`, restart, errs);
  return labels;
}

const KIND_RULES = {
  Deployment(doc, errs) {
    const s = doc.spec || {};
    if (!s.selector) return errs.push("spec.selector: required");
    checkSelector(s.selector, "spec.selector", errs);
    if (!Object.keys(s.selector.matchLabels || {}).length && !(s.selector.matchExpressions || []).length)
      errs.push("spec.selector: must not be empty");
    const labels = checkTemplate(s.template, "spec.template", ["Always"], errs);
    if (labels && !selectorMatches(s.selector, labels))
      errs.push("spec.template.metadata.labels: selector does not match template labels");
    if (s.replicas !== undefined && s.replicas < 0) errs.push("spec.replicas: must be at least 0");
    if (s.strategy && s.strategy.type === "Recreate" && s.strategy.rollingUpdate)
      errs.push("spec.strategy.rollingUpdate: forbidden with Recreate");
  },
  Job(doc, errs) {
    const s = doc.spec || {};
    if (s.selector && !s.manualSelector) errs.push("spec.selector: set by the Job controller unless manualSelector");
    checkTemplate(s.template, "spec.template", ["OnFailure", "Never"], errs);
    if (!(s.template && s.template.spec && s.template.spec.restartPolicy))
      errs.push("spec.template.spec.restartPolicy: required for a Job (OnFailure or Never)");
    for (const f of ["backoffLimit", "completions", "parallelism"])
      if (s[f] !== undefined && s[f] < 0) errs.push(`spec.${f}: must be at least 0`);
  },
  Service(doc, errs) {
    const s = doc.spec || {};
    const ports = s.ports || [];
    const headless = s.clusterIP === "None";
    if (!headless && !ports.length && s.type !== "ExternalName") errs.push("spec.ports: required unless headless");
    const names = new Set(), seen = new Set();
    ports.forEach((p, i) => {
      checkPort(p.port, `spec.ports[${i}].port`, errs);
      if (typeof p.port !== "number") errs.push(`spec.ports[${i}].port: must be a number`);
      if (p.targetPort !== undefined) checkPort(p.targetPort, `spec.ports[${i}].targetPort`, errs);
      if (ports.length > 1 && !p.name) errs.push(`spec.ports[${i}].name: required when there are several ports`);
      if (p.name !== undefined) {
        if (!n.isLabel(p.name)) errs.push(`spec.ports[${i}].name: "${p.name}" is not a DNS-1123 label`);
        if (names.has(p.name)) errs.push(`spec.ports[${i}].name: "${p.name}" is used twice`);
        names.add(p.name);
      }
      const key = `${p.port}/${p.protocol || "TCP"}`;
      if (seen.has(key)) errs.push(`spec.ports[${i}]: ${key} is listed twice`);
      seen.add(key);
    });
    for (const [k, v] of Object.entries(s.selector || {}))
      if (!n.isQualifiedName(k) || !n.isLabelValue(v)) errs.push(`spec.selector.${k}: invalid label`);
  },
  ConfigMap(doc, errs) {
    const keys = [...Object.keys(doc.data || {}), ...Object.keys(doc.binaryData || {})];
    keys.forEach((k) => { if (!n.isConfigKey(k)) errs.push(`data: key "${k}" invalid`); });
    if (new Set(keys).size !== keys.length) errs.push("data: a key is in data and binaryData");
  },
  Secret(doc, errs) {
    for (const [k, v] of Object.entries(doc.data || {})) {
      if (!n.isConfigKey(k)) errs.push(`data: key "${k}" invalid`);
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0) errs.push(`data.${k}: not base64`);
    }
  },
  PersistentVolumeClaim(doc, errs) {
    const s = doc.spec || {};
    if (!(s.accessModes && s.accessModes.length)) errs.push("spec.accessModes: at least one");
    const storage = ((s.resources || {}).requests || {}).storage;
    if (!n.isQuantity(storage)) errs.push("spec.resources.requests.storage: required quantity");
  },
  NetworkPolicy(doc, errs) {
    const s = doc.spec || {};
    if (!s.podSelector) errs.push("spec.podSelector: required");
    checkSelector(s.podSelector, "spec.podSelector", errs);
    (s.ingress || []).forEach((r, i) => (r.ports || []).forEach((p, j) => {
      if (p.port !== undefined) checkPort(p.port, `spec.ingress[${i}].ports[${j}].port`, errs);
    }));
  },
  RoleBinding(doc, errs) {
    (doc.subjects || []).forEach((s, i) => {
      if (s.kind === "ServiceAccount" && !s.namespace) errs.push(`subjects[${i}].namespace: required for a ServiceAccount`);
    });
    if (!doc.roleRef) errs.push("roleRef: required");
  },
};

// Errors of one document (schema errors come from validate.js).
function checkDocument(doc) {
  const errs = [];
  if (!doc || typeof doc !== "object") return ["not an object"];
  const want = API_VERSION[doc.kind];
  if (!want) return [`kind: "${doc.kind}" is not a kind the export writes`];
  if (doc.apiVersion !== want) errs.push(`apiVersion: "${doc.apiVersion}" is not ${want} for ${doc.kind}`);
  checkMetadata(doc, errs);
  checkIntegers(doc, "", errs);
  if (KIND_RULES[doc.kind]) KIND_RULES[doc.kind](doc, errs);
  return errs;
}

module.exports = { checkDocument, API_VERSION };
