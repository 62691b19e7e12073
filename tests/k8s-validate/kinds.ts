// The object kinds `stack export k8s` writes, at the Kubernetes 1.30 API versions it uses.
// generate-schema.js turns these types into one JSON Schema (unknown fields rejected).
import type * as apps from "kubernetes-types/apps/v1";
import type * as batch from "kubernetes-types/batch/v1";
import type * as core from "kubernetes-types/core/v1";
import type * as networking from "kubernetes-types/networking/v1";
import type * as rbac from "kubernetes-types/rbac/v1";

export type K8sDeployment = apps.Deployment;
export type K8sJob = batch.Job;
export type K8sService = core.Service;
export type K8sConfigMap = core.ConfigMap;
export type K8sSecret = core.Secret;
export type K8sPersistentVolumeClaim = core.PersistentVolumeClaim;
export type K8sNamespace = core.Namespace;
export type K8sServiceAccount = core.ServiceAccount;
export type K8sRole = rbac.Role;
export type K8sRoleBinding = rbac.RoleBinding;
export type K8sNetworkPolicy = networking.NetworkPolicy;
