#pragma once
// `volumes`, `tmpfs` and `shm_size` -> pod volumes: named volumes become PersistentVolumeClaims
// (--pvc-size), anonymous ones emptyDir, tmpfs emptyDir in memory, bind mounts hostPath only
// with --allow-hostpath (refused otherwise: the host's files are not on the cluster's nodes).
#include "orchestrator/export/k8s/context.hpp"
#include "orchestrator/export/k8s/pod_volumes.hpp"

namespace stk::k8s {

// True when the pod mounts a ReadWriteOnce claim (a rolling update would then deadlock on it).
bool add_volumes(ExportContext& ctx, const ServiceShape& shape, PodVolumes& pod);

}  // namespace stk::k8s
