#include "runtime/process/child_recipe.hpp"

#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <exception>

#include "runtime/cgroup/cgroup_manager.hpp"
#include "runtime/mount/configure_in_child.hpp"
#include "runtime/process/init_loop.hpp"
#include "runtime/process/sync_channel.hpp"
#include "runtime/rootfs/user_lookup.hpp"
#include "runtime/security/capabilities.hpp"
#include "runtime/security/seccomp_program.hpp"
#include "runtime/security/sysctls.hpp"
#include "runtime/sys/error.hpp"

extern char** environ;

namespace stk::runtime {
namespace {

// The step being run, for the failure report.
const char* g_step = "start";

void step(const char* name) { g_step = name; }

void wait_for(int sync_fd, SyncType expected) {
    auto m = sync_receive(sync_fd);
    if (!m) ::_exit(1);  // the parent is gone: nobody to report to
    if (m->type != expected)
        throw Error(fmt::format("expected \"{}\" from the parent, got \"{}\"",
                                sync_type_name(expected), sync_type_name(m->type)));
}

void bring_loopback_up() {
    UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!s) throw_errno("socket(AF_INET) for lo");
    ifreq req{};
    std::strncpy(req.ifr_name, "lo", IFNAMSIZ - 1);
    check_sys(::ioctl(s.get(), SIOCGIFFLAGS, &req), "ioctl SIOCGIFFLAGS lo");
    req.ifr_flags |= IFF_UP;
    check_sys(::ioctl(s.get(), SIOCSIFFLAGS, &req), "ioctl SIOCSIFFLAGS lo up");
}

void set_names(const ContainerSpec& spec) {
    if (!spec.hostname.empty())
        check_sys(::sethostname(spec.hostname.data(), spec.hostname.size()),
                  fmt::format("sethostname \"{}\"", spec.hostname));
    if (!spec.domainname.empty())
        check_sys(::setdomainname(spec.domainname.data(), spec.domainname.size()),
                  fmt::format("setdomainname \"{}\"", spec.domainname));
}

// A process cloned into a new user namespace keeps its host ids (root, unmapped inside) until it
// changes them: take the namespace's root, so filesystems made inside accept us and the
// capabilities we hold there apply to files of mapped owners.
void become_namespace_root() {
    check_sys(::setresgid(0, 0, 0), "setresgid(0) in the user namespace");
    check_sys(::setresuid(0, 0, 0), "setresuid(0) in the user namespace");
}

void switch_user(const ResolvedUser& user) {
    // Keep the permitted set across setuid; apply_capabilities_in_child trims it afterwards.
    check_sys(::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0), "prctl PR_SET_KEEPCAPS 1");
    check_sys(::setgroups(user.groups.size(), user.groups.data()), "setgroups");
    check_sys(::setresgid(user.gid, user.gid, user.gid), fmt::format("setgid {}", user.gid));
    check_sys(::setresuid(user.uid, user.uid, user.uid), fmt::format("setuid {}", user.uid));
}

bool has_key(const std::vector<std::string>& env, const char* key) {
    size_t n = std::strlen(key);
    for (const auto& e : env)
        if (e.size() > n && e.compare(0, n, key) == 0 && e[n] == '=') return true;
    return false;
}

std::vector<std::string> service_env(const ContainerSpec& spec, const ResolvedUser& user) {
    std::vector<std::string> env = spec.process.env;
    if (!has_key(env, "PATH"))
        env.push_back("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    if (!has_key(env, "HOSTNAME") && !spec.hostname.empty())
        env.push_back("HOSTNAME=" + spec.hostname);
    if (!has_key(env, "HOME")) env.push_back("HOME=" + user.home);
    if (spec.process.tty && !has_key(env, "TERM")) env.push_back("TERM=xterm");
    return env;
}

void setup_stdio(const ChildPlan& plan) {
    if (plan.tty_fd >= 0) {
        for (int fd = 0; fd < 3; ++fd) check_sys(::dup2(plan.tty_fd, fd), "dup2 the terminal");
        return;
    }
    // stdin is /dev/null of the container, opened after pivot_root.
    UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!null) throw_errno("open /dev/null");
    check_sys(::dup2(null.get(), 0), "dup2 /dev/null to stdin");
    check_sys(::dup2(plan.stdout_fd >= 0 ? plan.stdout_fd : null.get(), 1), "dup2 stdout");
    check_sys(::dup2(plan.stderr_fd >= 0 ? plan.stderr_fd : null.get(), 2), "dup2 stderr");
}

// The service's argv and envp, built before vfork: the child may not allocate.
struct ExecArgs {
    std::vector<char*> argv;
    std::vector<char*> envp;
    ExecArgs(const std::vector<std::string>& args, std::vector<std::string>& env) {
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        for (auto& e : env) envp.push_back(e.data());
        envp.push_back(nullptr);
    }
};

// The service process: vforked by PID 1 with every signal blocked, so it shares PID 1's memory
// until execve and may only make system calls here (no allocation, no return).
[[noreturn]] void exec_service(const ExecArgs& exec, bool tty, int status_fd) {
    ::setsid();
    if (tty) ::ioctl(0, TIOCSCTTY, 0);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    // No fd of the runtime survives exec (CVE-2024-21626): stdio only.
    ::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
    ::execvp(exec.argv[0], exec.argv.data());  // PID 1 set environ: the container's PATH
    int err = errno;
    (void)!::write(status_fd, &err, sizeof err);
    ::_exit(err == ENOENT ? 127 : 126);
}

[[noreturn]] void run_steps(const ChildPlan& plan) {
    const ContainerSpec& spec = *plan.spec;
    const int sync = plan.sync_fd;
    // 1. Into the cgroup's v1 hierarchies (v2: placed by clone3), then wait for the parent to
    // write the id maps.
    step("join the cgroup");
    if (join_self(plan.cgroup_join_fds.data(), plan.cgroup_join_fds.size()) != 0)
        throw_errno("write \"0\" to the cgroup's tasks files");
    step("wait for the parent");
    wait_for(sync, SyncType::Go);
    if (spec.user_namespace) {
        step("user namespace");
        become_namespace_root();
    }
    // 2. Network: join the given namespace, or bring up lo in our new one.
    step("network");
    if (spec.network.mode == NetworkSpec::Mode::Join)
        check_sys(::setns(plan.netns_fd, CLONE_NEWNET),
                  fmt::format("setns \"{}\"", spec.network.netns_path.string()));
    else if (spec.network.mode == NetworkSpec::Mode::None)
        bring_loopback_up();
    if (plan.netns_fd >= 0) ::close(plan.netns_fd);
    // 3. Names, in the new uts namespace.
    step("hostname");
    set_names(spec);
    // 4. Root, kernel filesystems, user mounts, masks, pivot_root, cwd.
    step("mounts");
    configure_mounts_in_child(spec, plan.layout);
    // 5. The container's stdio, from its own /dev.
    step("stdio");
    setup_stdio(plan);
    // 6. Namespaced sysctls, while we still hold CAP_SYS_ADMIN and CAP_NET_ADMIN.
    step("sysctls");
    apply_sysctls_in_child(spec.sysctls);
    // 7. Resource limits, before the user changes (raising needs privilege).
    step("rlimits");
    apply_rlimits_in_child(plan.rlimits);
    // 8. User and groups from the container's own /etc/passwd and /etc/group.
    step("user");
    UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw_errno("open \"/\"");
    ResolvedUser user = resolve_user(root.get(), spec.process.user);
    root.reset();
    std::vector<std::string> env = service_env(spec, user);
    // 9. Without no_new_privs the filter needs CAP_SYS_ADMIN: load it before dropping (crun).
    step("seccomp");
    if (plan.seccomp && !spec.security.no_new_privileges) plan.seccomp->load_in_child();
    // 10. Switch user keeping capabilities, then set the capability sets.
    step("switch user");
    switch_user(user);
    step("capabilities");
    apply_capabilities_in_child(plan.capabilities);
    // 11. no_new_privs, then seccomp last so the filter does not constrain our own setup.
    step("no_new_privs");
    if (spec.security.no_new_privileges) set_no_new_privs_in_child();
    step("seccomp");
    if (plan.seccomp && spec.security.no_new_privileges) plan.seccomp->load_in_child();
    // 12. Our code stays in PID 1: make it non-dumpable so /proc/1/exe and ptrace are closed
    // to the container (CVE-2019-5736). setuid above reset the flag, so this comes after.
    step("non-dumpable");
    check_sys(::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "prctl PR_SET_DUMPABLE 0");
    // 13. Created: wait for start().
    step("wait for start");
    if (!sync_send(sync, SyncType::Ready)) ::_exit(1);
    wait_for(sync, SyncType::Start);
    // 14. Block every signal before the fork, so none is lost between fork and the loop.
    step("start the service");
    sigset_t all;
    sigfillset(&all);
    check_sys(::sigprocmask(SIG_SETMASK, &all, nullptr), "sigprocmask");
    int sfd = check_sys(::signalfd(-1, &all, SFD_CLOEXEC), "signalfd");
    int status_pipe[2];
    check_sys(::pipe2(status_pipe, O_CLOEXEC), "pipe2");
    ExecArgs exec(spec.process.args, env);
    environ = exec.envp.data();  // execvp searches this PATH; PID 1 reads no variable later
    // vfork: no copy of PID 1's page tables, no copy-on-write faults while the child execs.
    // Nothing may be built around the call either: a temporary made before it would be
    // destroyed by both processes.
    pid_t service = ::vfork();
    if (service == 0) exec_service(exec, plan.tty_fd >= 0, status_pipe[1]);
    if (service < 0) throw_errno("vfork the service process");
    ::close(status_pipe[1]);
    int err = 0;
    ssize_t n;
    do {
        n = ::read(status_pipe[0], &err, sizeof err);
    } while (n < 0 && errno == EINTR);
    ::close(status_pipe[0]);
    if (n == static_cast<ssize_t>(sizeof err)) {
        std::string text = fmt::format("exec \"{}\": {}", spec.process.args.at(0),
                                       std::strerror(err));
        sync_send_failure(sync, "exec", err, text.c_str());
    } else {
        sync_send(sync, SyncType::Started);
    }
    // 15. PID 1 from here on: forward signals, reap, exit with the service's status.
    for (int fd : {0, 1, 2}) ::close(fd);
    run_init_loop(service, sfd, sync);
}

}  // namespace

void run_container_child(const ChildPlan& plan) noexcept {
    // The catch-all wall: nothing escapes the child, every failure reaches the parent.
    try {
        run_steps(plan);
    } catch (const Error& e) {
        int err = e.code().category() == std::system_category() ? e.code().value() : 0;
        sync_send_failure(plan.sync_fd, g_step, err, e.what());
    } catch (const std::exception& e) {
        sync_send_failure(plan.sync_fd, g_step, 0, e.what());
    } catch (...) {
        sync_send_failure(plan.sync_fd, g_step, 0, "unknown exception");
    }
    ::_exit(1);
}

}  // namespace stk::runtime
