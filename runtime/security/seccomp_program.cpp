#include "runtime/security/seccomp_program.hpp"

#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>

#include "runtime/security/capabilities.hpp"
#include "runtime/security/seccomp_cache.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/unique_fd.hpp"

// Model: docker's allow-list rather than default-allow with a deny list. The allow-list is every
// syscall libseccomp knows for this architecture minus the denied ones below, and the default
// action is ENOSYS as podman's profile does: a syscall newer than our libseccomp is refused (a
// deny list would silently allow it), while libc sees "not implemented" and falls back the way
// it does for clone3. The denied syscalls answer EPERM explicitly, as in docker. An allow-list
// also lets personality() and clone() be allowed for harmless arguments only, which libseccomp
// cannot express as a deny rule (one comparison per argument and rule).

namespace stk::runtime {
namespace {

constexpr uint64_t bit(int cap) { return uint64_t{1} << cap; }

// A syscall docker refuses unless the container holds one of `caps` (0: always refused).
struct Gate {
    std::string_view name;
    uint64_t caps;
};

constexpr uint64_t kSysAdmin = bit(CAP_SYS_ADMIN);

constexpr Gate kGates[] = {
    // Mounts and the new mount API.
    {"mount", kSysAdmin},
    {"umount", kSysAdmin},
    {"umount2", kSysAdmin},
    {"fsopen", kSysAdmin},
    {"fsconfig", kSysAdmin},
    {"fsmount", kSysAdmin},
    {"fspick", kSysAdmin},
    {"move_mount", kSysAdmin},
    {"open_tree", kSysAdmin},
    {"mount_setattr", kSysAdmin},
    {"pivot_root", kSysAdmin},
    // Namespaces and identity of the host.
    {"unshare", kSysAdmin},
    {"setns", kSysAdmin},
    {"sethostname", kSysAdmin},
    {"setdomainname", kSysAdmin},
    {"quotactl", kSysAdmin},
    {"quotactl_fd", kSysAdmin},
    {"fanotify_init", kSysAdmin},
    {"lookup_dcookie", kSysAdmin},
    {"swapon", kSysAdmin},
    {"swapoff", kSysAdmin},
    {"bpf", kSysAdmin | bit(CAP_BPF)},
    {"perf_event_open", kSysAdmin | bit(CAP_PERFMON)},
    {"syslog", kSysAdmin | bit(CAP_SYSLOG)},
    // The kernel keyring is not namespaced.
    {"keyctl", 0},
    {"add_key", 0},
    {"request_key", 0},
    // io_uring bypasses seccomp for the operations it performs; userfaultfd eases kernel races.
    {"io_uring_setup", 0},
    {"io_uring_enter", 0},
    {"io_uring_register", 0},
    {"userfaultfd", 0},
    // Obsolete or unimplemented interfaces docker leaves out.
    {"_sysctl", 0},
    {"uselib", 0},
    {"ustat", 0},
    {"sysfs", 0},
    {"nfsservctl", 0},
    {"vm86", 0},
    {"vm86old", 0},
    {"create_module", 0},
    {"get_kernel_syms", 0},
    {"query_module", 0},
    // Capability-gated like docker's profile.
    {"reboot", bit(CAP_SYS_BOOT)},
    {"kexec_load", bit(CAP_SYS_BOOT)},
    {"kexec_file_load", bit(CAP_SYS_BOOT)},
    {"init_module", bit(CAP_SYS_MODULE)},
    {"finit_module", bit(CAP_SYS_MODULE)},
    {"delete_module", bit(CAP_SYS_MODULE)},
    {"acct", bit(CAP_SYS_PACCT)},
    {"kcmp", bit(CAP_SYS_PTRACE)},
    {"pidfd_getfd", bit(CAP_SYS_PTRACE)},
    {"process_madvise", bit(CAP_SYS_PTRACE)},
    {"iopl", bit(CAP_SYS_RAWIO)},
    {"ioperm", bit(CAP_SYS_RAWIO)},
    {"settimeofday", bit(CAP_SYS_TIME)},
    {"stime", bit(CAP_SYS_TIME)},
    {"clock_settime", bit(CAP_SYS_TIME)},
    {"clock_settime64", bit(CAP_SYS_TIME)},
    {"vhangup", bit(CAP_SYS_TTY_CONFIG)},
    {"mbind", bit(CAP_SYS_NICE)},
    {"set_mempolicy", bit(CAP_SYS_NICE)},
    {"set_mempolicy_home_node", bit(CAP_SYS_NICE)},
    {"migrate_pages", bit(CAP_SYS_NICE)},
    {"move_pages", bit(CAP_SYS_NICE)},
    {"open_by_handle_at", bit(CAP_DAC_READ_SEARCH)},
    {"chroot", bit(CAP_SYS_CHROOT)},
};

// Docker allows ptrace and process_vm_* on kernels >= 4.8, where ptrace can no longer be used
// to bypass seccomp; on older kernels they need CAP_SYS_PTRACE.
constexpr std::string_view kPtraceFamily[] = {"ptrace", "process_vm_readv", "process_vm_writev"};

constexpr uint64_t kCloneNamespaceFlags = 0x7E020000;  // CLONE_NEWNS|NEWCGROUP|NEWUTS|...|NEWNET
constexpr int kCloneNamespaceBits[] = {17, 25, 26, 27, 28, 29, 30};
constexpr uint64_t kPersonalities[] = {0x0, 0x8, 0x20000, 0x20008, 0xffffffff};
constexpr int kAfVsock = 40;
constexpr uint32_t kDefaultAction = SCMP_ACT_ERRNO(ENOSYS);

uint64_t relevant_capabilities() {
    uint64_t mask = 0;
    for (const auto& g : kGates) mask |= g.caps;
    return mask | bit(CAP_SYS_PTRACE);
}

bool kernel_at_least(int major, int minor) {
    utsname u{};
    if (::uname(&u) != 0) return true;
    int ma = 0, mi = 0;
    if (std::sscanf(u.release, "%d.%d", &ma, &mi) != 2) return true;
    return ma > major || (ma == major && mi >= minor);
}

const Gate* find_gate(std::string_view name) {
    for (const auto& g : kGates)
        if (g.name == name) return &g;
    return nullptr;
}

struct Ctx {
    scmp_filter_ctx ctx;
    ~Ctx() { seccomp_release(ctx); }
};

void add_rule(scmp_filter_ctx ctx, uint32_t action, int nr, std::string_view name,
              unsigned count = 0, const scmp_arg_cmp* args = nullptr) {
    if (action == kDefaultAction) return;  // libseccomp refuses rules that repeat the default
    int rc = seccomp_rule_add_array(ctx, action, nr, count, args);
    if (rc < 0) throw SysError(fmt::format("seccomp rule for \"{}\"", name), -rc);
}

void add_syscall(scmp_filter_ctx ctx, int nr, std::string_view name, uint64_t caps,
                 bool ptrace_allowed) {
    const uint32_t allow = SCMP_ACT_ALLOW;
    const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
    const bool sys_admin = caps & kSysAdmin;
    if (name == "clone") {
        if (sys_admin) return add_rule(ctx, allow, nr, name);
        scmp_arg_cmp none = SCMP_A0_64(SCMP_CMP_MASKED_EQ, kCloneNamespaceFlags, 0);
        add_rule(ctx, allow, nr, name, 1, &none);
        for (int b : kCloneNamespaceBits) {
            uint64_t f = uint64_t{1} << b;
            scmp_arg_cmp has = SCMP_A0_64(SCMP_CMP_MASKED_EQ, f, f);
            add_rule(ctx, eperm, nr, name, 1, &has);
        }
        return;
    }
    if (name == "clone3") {
        // Its flags live in a struct seccomp cannot read: make libc fall back to clone().
        return add_rule(ctx, sys_admin ? allow : SCMP_ACT_ERRNO(ENOSYS), nr, name);
    }
    if (name == "personality") {
        for (uint64_t p : kPersonalities) {
            scmp_arg_cmp eq = SCMP_A0_64(SCMP_CMP_EQ, p);
            add_rule(ctx, allow, nr, name, 1, &eq);
        }
        return;
    }
    if (name == "socket") {
        scmp_arg_cmp not_vsock = SCMP_A0_32(SCMP_CMP_NE, kAfVsock);
        scmp_arg_cmp vsock = SCMP_A0_32(SCMP_CMP_EQ, kAfVsock);
        add_rule(ctx, allow, nr, name, 1, &not_vsock);
        add_rule(ctx, eperm, nr, name, 1, &vsock);
        return;
    }
    for (auto p : kPtraceFamily) {
        if (name == p) {
            bool ok = ptrace_allowed || (caps & bit(CAP_SYS_PTRACE));
            return add_rule(ctx, ok ? allow : eperm, nr, name);
        }
    }
    if (const Gate* g = find_gate(name))
        return add_rule(ctx, (g->caps & caps) ? allow : eperm, nr, name);
    add_rule(ctx, allow, nr, name);
}

std::vector<sock_filter> export_bpf(scmp_filter_ctx ctx) {
    UniqueFd fd(::memfd_create("stk-seccomp", MFD_CLOEXEC));
    if (!fd) throw_errno("memfd_create for the seccomp export");
    int rc = seccomp_export_bpf(ctx, fd.get());
    if (rc < 0) throw SysError("seccomp_export_bpf", -rc);
    off_t size = ::lseek(fd.get(), 0, SEEK_END);
    if (size < 0 || size % sizeof(sock_filter) != 0)
        throw Error(fmt::format("seccomp export: unexpected size {}", size));
    std::vector<sock_filter> code(static_cast<size_t>(size) / sizeof(sock_filter));
    ssize_t n = ::pread(fd.get(), code.data(), static_cast<size_t>(size), 0);
    if (n != size) throw_errno("read the exported seccomp program");
    return code;
}

}  // namespace

SeccompProgram::SeccompProgram(uint64_t caps) {
    auto start = std::chrono::steady_clock::now();
    if (auto cached = load_cached_seccomp(caps)) {
        code_ = std::move(*cached);
    } else {
        compile(caps);
        store_cached_seccomp(caps, code_);
    }
    fprog_.len = static_cast<unsigned short>(code_.size());
    fprog_.filter = code_.data();
    compile_ms_ =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

void SeccompProgram::compile(uint64_t caps) {
    with_context(fmt::format("compile the seccomp program for capabilities {:#x}", caps), [&] {
        Ctx c{seccomp_init(kDefaultAction)};
        if (!c.ctx) throw Error("seccomp_init failed");
        // A binary tree of syscall numbers keeps the per-syscall cost logarithmic.
        seccomp_attr_set(c.ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
        // Only the native ABI: a 32-bit (x86, x32) syscall would dodge the checks on argument
        // layout above, so it ends the process (docker's profile also admits x86 and x32).
        seccomp_attr_set(c.ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
        const bool ptrace_allowed = kernel_at_least(4, 8);
        for (int nr = 0; nr < 1024; ++nr) {
            char* raw = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
            if (!raw) continue;
            std::string name(raw);
            std::free(raw);
            add_syscall(c.ctx, nr, name, caps, ptrace_allowed);
        }
        code_ = export_bpf(c.ctx);
    });
}

const SeccompProgram& SeccompProgram::for_capabilities(uint64_t capabilities) {
    static std::mutex mutex;
    static std::map<uint64_t, std::unique_ptr<SeccompProgram>> cache;
    const uint64_t key = capabilities & relevant_capabilities();
    std::lock_guard lock(mutex);
    auto& slot = cache[key];
    if (!slot) slot = std::make_unique<SeccompProgram>(key);
    return *slot;
}

const SeccompProgram& SeccompProgram::docker_default() {
    static const SeccompProgram& program = for_capabilities(docker_default_capabilities());
    return program;
}

void SeccompProgram::load_in_child() const {
    if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog_, 0, 0) != 0)
        throw_errno("load the seccomp filter");
}

void set_no_new_privs_in_child() {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) throw_errno("prctl PR_SET_NO_NEW_PRIVS");
}

}  // namespace stk::runtime
