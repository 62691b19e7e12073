#pragma once
// Namespaced sysctls only: net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*.
#include <map>
#include <string>

namespace stk::runtime {

enum class SysctlNamespace { Net, Ipc, None };

// Which namespace owns `name` ("net.ipv4.ip_forward" -> Net, "kernel.shmmax" -> Ipc,
// "kernel.hostname" -> None). Names may use '.' or '/' as separator.
SysctlNamespace classify_sysctl(const std::string& name);

// Parent side: throws Error naming the first sysctl that is not namespaced, or a net.* one when
// the container shares the host's network namespace, or a malformed name/value.
void validate_sysctls(const std::map<std::string, std::string>& sysctls, bool host_network);

// In the child, in its new net/ipc namespaces, before capabilities are dropped. Writes through a
// fresh procfs opened with fsopen("proc") + fsmount, so it works after /proc/sys has been made
// read-only by configure_mounts_in_child; falls back to /proc/sys when the new mount API is
// unavailable. Validates first (host_network = false).
void apply_sysctls_in_child(const std::map<std::string, std::string>& sysctls);

}  // namespace stk::runtime
