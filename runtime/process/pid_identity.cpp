#include "runtime/process/pid_identity.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "runtime/sys/file_util.hpp"

namespace stk::runtime {

std::optional<uint64_t> process_start_time(pid_t pid) {
    auto stat = read_file_if_exists("/proc/" + std::to_string(pid) + "/stat");
    if (!stat) return std::nullopt;
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    auto close = stat->rfind(')');
    if (close == std::string::npos) return std::nullopt;
    const char* p = stat->c_str() + close + 1;
    // Fields 3.. follow; the start time is field 22, i.e. the 20th after the ')'.
    for (int field = 3; field < 22; ++field) {
        while (*p == ' ') ++p;
        while (*p != ' ' && *p != '\0') ++p;
    }
    while (*p == ' ') ++p;
    if (*p == '\0') return std::nullopt;
    return std::strtoull(p, nullptr, 10);
}

int pidfd_open_raw(pid_t pid, unsigned flags) noexcept {
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, flags));
}

int pidfd_send_signal_raw(int pidfd, int sig) noexcept {
    return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
}

namespace {

// Exited, not reaped yet: a container whose creator died is reaped by whoever adopts orphans
// here, which may be slow or absent.
bool is_zombie(pid_t pid) {
    auto stat = read_file_if_exists("/proc/" + std::to_string(pid) + "/stat");
    if (!stat) return false;
    auto close = stat->rfind(')');
    return close != std::string::npos && close + 2 < stat->size() &&
           ((*stat)[close + 2] == 'Z' || (*stat)[close + 2] == 'X');
}

}  // namespace

std::optional<UniqueFd> open_verified_pidfd(pid_t pid, uint64_t start_time) {
    if (pid <= 0) return std::nullopt;
    UniqueFd fd(pidfd_open_raw(pid, 0));
    if (!fd) return std::nullopt;
    auto now = process_start_time(pid);
    if (!now || *now != start_time || is_zombie(pid)) return std::nullopt;
    return fd;
}

}  // namespace stk::runtime
