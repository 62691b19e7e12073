#pragma once
// In the child, before pivot_root: the spec's bind, volume and tmpfs mounts and the /etc files
// the caller supplies. Targets are resolved inside the root (root_fd) and created when missing.
#include "runtime/spec.hpp"

namespace stk::runtime {

void mount_user_mounts_in_child(int root_fd, const std::vector<MountSpec>& mounts);

// Binds spec.hosts_file / hostname_file / resolv_conf_file over /etc/hosts, /etc/hostname and
// /etc/resolv.conf when set.
void mount_etc_files_in_child(int root_fd, const ContainerSpec& spec);

}  // namespace stk::runtime
