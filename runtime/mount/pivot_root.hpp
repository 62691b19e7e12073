#pragma once
// In the child: switches to the assembled root with pivot_root (never chroot, which leaves
// the old root reachable) and detaches the old root; then the root-level finishing steps.
#include <filesystem>
#include <string>

namespace stk::runtime {

void pivot_root_in_child(const std::filesystem::path& new_root);

// Makes the root mount itself read-only (submounts such as /dev and tmpfs keep their flags).
void make_root_read_only_in_child();

// chdir to `cwd` resolved inside the root (it must already exist) and checks that the result
// is inside the root (CVE-2024-21626 class).
void enter_cwd_in_child(const std::string& cwd);

}  // namespace stk::runtime
