#include "runtime/sys/paths.hpp"

#include <cstdlib>
#include <string>

namespace stk {
namespace {

std::filesystem::path from_env(const char* var, const char* fallback) {
    const char* v = std::getenv(var);
    return (v && *v) ? std::filesystem::path(v) : std::filesystem::path(fallback);
}

}  // namespace

std::filesystem::path run_root() { return from_env("STACK_RUN_ROOT", "/run/stack"); }
std::filesystem::path data_root() { return from_env("STACK_DATA_ROOT", "/var/lib/stack"); }
std::string cgroup_parent() { return from_env("STACK_CGROUP_PARENT", "stack").string(); }

}  // namespace stk
