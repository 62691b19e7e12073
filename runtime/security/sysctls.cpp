#include "runtime/security/sysctls.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "runtime/sys/error.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::runtime {
namespace {

std::string dotted(std::string name) {
    std::replace(name.begin(), name.end(), '/', '.');
    return name;
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// A fresh, detached procfs of this process's namespaces, or -1 (old kernel, no CAP_SYS_ADMIN).
int open_private_procfs() {
    UniqueFd fs(static_cast<int>(::syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC)));
    if (!fs) return -1;
    if (::syscall(SYS_fsconfig, fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0) return -1;
    int mnt = static_cast<int>(::syscall(SYS_fsmount, fs.get(), FSMOUNT_CLOEXEC, 0));
    return mnt;
}

void write_sysctl(int proc_fd, const std::string& name, const std::string& value) {
    std::string rel = "sys/" + name;
    std::replace(rel.begin() + 4, rel.end(), '.', '/');
    UniqueFd fd(proc_fd >= 0 ? ::openat(proc_fd, rel.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW)
                             : ::open(("/proc/" + rel).c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) throw_errno(fmt::format("open sysctl \"{}\"", name));
    if (::write(fd.get(), value.data(), value.size()) != static_cast<ssize_t>(value.size()))
        throw_errno(fmt::format("set sysctl \"{}\" to \"{}\"", name, value));
}

}  // namespace

SysctlNamespace classify_sysctl(const std::string& raw) {
    const std::string name = dotted(raw);
    if (starts_with(name, "net.")) return SysctlNamespace::Net;
    if (starts_with(name, "kernel.shm") || starts_with(name, "kernel.msg") ||
        name == "kernel.sem" || starts_with(name, "fs.mqueue."))
        return SysctlNamespace::Ipc;
    return SysctlNamespace::None;
}

void validate_sysctls(const std::map<std::string, std::string>& sysctls, bool host_network) {
    for (const auto& [raw, value] : sysctls) {
        const std::string name = dotted(raw);
        bool bad_name = name.empty() || name.find("..") != std::string::npos ||
                        name.front() == '.' || name.back() == '.' ||
                        !std::all_of(name.begin(), name.end(), [](char c) {
                            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' ||
                                   c == '_' || c == '-';
                        });
        if (bad_name) throw Error(fmt::format("sysctl \"{}\": malformed name", raw));
        if (value.find('\n') != std::string::npos)
            throw Error(fmt::format("sysctl \"{}\": value contains a newline", raw));
        switch (classify_sysctl(name)) {
            case SysctlNamespace::None:
                throw Error(fmt::format(
                    "sysctl \"{}\" is not namespaced (allowed: net.*, kernel.shm*, kernel.msg*, "
                    "kernel.sem, fs.mqueue.*)",
                    raw));
            case SysctlNamespace::Net:
                if (host_network)
                    throw Error(fmt::format(
                        "sysctl \"{}\" would change the host: the container uses the host's "
                        "network namespace",
                        raw));
                break;
            case SysctlNamespace::Ipc:
                break;
        }
    }
}

void apply_sysctls_in_child(const std::map<std::string, std::string>& sysctls) {
    if (sysctls.empty()) return;
    validate_sysctls(sysctls, false);
    UniqueFd proc(open_private_procfs());
    if (proc) {
        struct statfs st {};
        if (::fstatfs(proc.get(), &st) != 0 || st.f_type != PROC_SUPER_MAGIC)
            throw Error("the procfs opened for sysctls is not procfs");
    }
    for (const auto& [raw, value] : sysctls) write_sysctl(proc.get(), dotted(raw), value);
}

}  // namespace stk::runtime
