// exec into a running container: a helper process joins the container's cgroup and all its
// namespaces through PID 1's pidfd (one setns call), then forks so the command lands in the
// pid namespace, applies the container's user, capabilities, no_new_privs and seccomp, and
// execs. The caller's own namespaces are never touched.
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "runtime/cgroup/cgroup_manager.hpp"
#include "runtime/container.hpp"
#include "runtime/process/clone3.hpp"
#include "runtime/process/pid_identity.hpp"
#include "runtime/process/pty.hpp"
#include "runtime/rootfs/user_lookup.hpp"
#include "runtime/security/capabilities.hpp"
#include "runtime/security/seccomp_program.hpp"
#include "runtime/sys/error.hpp"

extern char** environ;

namespace stk::runtime {
namespace {

std::string key_of(const std::string& kv) { return kv.substr(0, kv.find('=')); }

// The container's env overridden by the exec's, plus PATH and HOME defaults.
std::vector<std::string> merged_env(const ContainerState& s, const ExecSpec& spec,
                                    const std::string& home) {
    std::vector<std::string> env;
    auto set = [&](const std::string& kv) {
        for (auto& e : env)
            if (key_of(e) == key_of(kv)) {
                e = kv;
                return;
            }
        env.push_back(kv);
    };
    for (const auto& kv : s.env) set(kv);
    for (const auto& kv : spec.env) set(kv);
    auto has = [&](const char* k) {
        for (const auto& e : env)
            if (key_of(e) == k) return true;
        return false;
    };
    if (!has("PATH")) env.push_back("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    if (!has("HOME")) env.push_back("HOME=" + home);
    if (spec.tty && !has("TERM")) env.push_back("TERM=xterm");
    return env;
}

bool same_user_namespace(pid_t pid) {
    struct stat ours {}, theirs {};
    if (::stat("/proc/self/ns/user", &ours) != 0) return true;
    std::string path = "/proc/" + std::to_string(pid) + "/ns/user";
    if (::stat(path.c_str(), &theirs) != 0) return true;
    return ours.st_ino == theirs.st_ino && ours.st_dev == theirs.st_dev;
}

[[noreturn]] void report_and_exit(int error_fd, const std::string& text, int code) {
    (void)!::write(error_fd, text.data(), text.size());
    ::_exit(code);
}

// The process that becomes the command, inside every namespace already.
[[noreturn]] void run_command(const ContainerState& s, const ExecSpec& spec,
                              const SeccompProgram* seccomp, int tty_fd, int error_fd) {
    const char* step = "working directory";
    try {
        const std::string& cwd = spec.cwd.empty() ? s.cwd : spec.cwd;
        check_sys(::chdir(cwd.c_str()), fmt::format("chdir \"{}\"", cwd));
        step = "user";
        UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!root) throw_errno("open \"/\"");
        ResolvedUser user = resolve_user(root.get(), spec.user.empty() ? s.user : spec.user);
        root.reset();
        std::vector<std::string> env = merged_env(s, spec, user.home);
        step = "stdio";
        if (tty_fd >= 0) {
            ::setsid();
            for (int fd = 0; fd < 3; ++fd) check_sys(::dup2(tty_fd, fd), "dup2 the terminal");
            ::ioctl(0, TIOCSCTTY, 0);
        }
        step = "seccomp";
        if (seccomp && !s.no_new_privileges) seccomp->load_in_child();
        step = "switch user";
        check_sys(::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0), "prctl PR_SET_KEEPCAPS 1");
        check_sys(::setgroups(user.groups.size(), user.groups.data()), "setgroups");
        check_sys(::setresgid(user.gid, user.gid, user.gid), fmt::format("setgid {}", user.gid));
        check_sys(::setresuid(user.uid, user.uid, user.uid), fmt::format("setuid {}", user.uid));
        step = "capabilities";
        apply_capabilities_in_child(s.capabilities);
        step = "no_new_privs";
        if (s.no_new_privileges) set_no_new_privs_in_child();
        step = "seccomp";
        if (seccomp && s.no_new_privileges) seccomp->load_in_child();
        step = "exec";
        ::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
        std::vector<char*> argv;
        for (const auto& a : spec.args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        std::vector<char*> envp;
        for (auto& e : env) envp.push_back(e.data());
        envp.push_back(nullptr);
        environ = envp.data();
        ::execvp(argv[0], argv.data());
        int err = errno;
        report_and_exit(error_fd,
                        fmt::format("exec \"{}\": {}", spec.args[0], std::strerror(err)),
                        err == ENOENT ? 127 : 126);
    } catch (const std::exception& e) {
        report_and_exit(error_fd, fmt::format("{}: {}", step, e.what()), 126);
    }
}

// The helper: joins the cgroup and namespaces, forks the command, relays its status.
[[noreturn]] void run_helper(const ContainerState& s, const ExecSpec& spec, int pidfd,
                             Cgroup& cgroup, const std::vector<int>& join_fds, bool in_cgroup,
                             const SeccompProgram* seccomp, int tty_fd, int error_fd) {
    try {
        // Placed in the v2 (or unified) tree by clone3; the v1 hierarchies through `tasks`.
        if (join_self(join_fds.data(), join_fds.size()) != 0)
            throw_errno("write \"0\" to the cgroup's tasks files");
        if (!in_cgroup && cgroup.clone_into_fd() >= 0) cgroup.add_process(::getpid());
        int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID |
                    CLONE_NEWCGROUP;
        if (!same_user_namespace(s.pid)) flags |= CLONE_NEWUSER;
        check_sys(::setns(pidfd, flags), fmt::format("setns into pid {}", s.pid));
    } catch (const std::exception& e) {
        report_and_exit(error_fd, fmt::format("join the container: {}", e.what()), 126);
    }
    pid_t child = ::fork();
    if (child < 0) report_and_exit(error_fd, "fork in the container", 126);
    if (child == 0) run_command(s, spec, seccomp, tty_fd, error_fd);
    if (spec.detach) ::_exit(0);  // the container's PID 1 adopts and reaps it
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFSIGNALED(status)) {
        // Die the same way so our caller sees the signal, not a code.
        ::signal(WTERMSIG(status), SIG_DFL);
        ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);  // no core dump of ours
        ::raise(WTERMSIG(status));
    }
    ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 126);
}

}  // namespace

ExitStatus exec_in(const std::string& name, const ExecSpec& spec) {
    return with_context(fmt::format("exec in container \"{}\"", name), [&] {
        if (spec.args.empty()) throw Error("no command to run");
        ContainerState s = inspect(name);
        if (s.status != Status::Running) throw Error("it is not running");
        if (spec.privileged) {
            s.capabilities = all_capabilities();
            s.seccomp = false;
        }
        auto pidfd = open_verified_pidfd(s.pid, s.pid_start_time);
        if (!pidfd) throw Error("it is not running");
        auto cgroup = make_cgroup_manager()->open(s.cgroup);
        const SeccompProgram* seccomp =
            s.seccomp ? &SeccompProgram::for_capabilities(s.capabilities) : nullptr;
        Pty pty;
        if (spec.tty) pty = open_pty();
        int err_pipe[2];
        check_sys(::pipe2(err_pipe, O_CLOEXEC), "pipe2");
        UniqueFd err_r(err_pipe[0]), err_w(err_pipe[1]);
        std::vector<UniqueFd> join = cgroup->open_self_join();
        std::vector<int> join_fds;
        for (const auto& fd : join) join_fds.push_back(fd.get());
        bool in_cgroup = false;
        CloneResult forked = clone3_process(0, cgroup->clone_into_fd(), in_cgroup);
        const pid_t helper = forked.pid;
        if (helper == 0) {
            err_r.reset();
            pty.master.reset();
            run_helper(s, spec, pidfd->get(), *cgroup, join_fds, in_cgroup, seccomp,
                       pty.slave.get(), err_w.get());
        }
        UniqueFd helper_fd(forked.pidfd);
        join.clear();
        err_w.reset();
        pty.slave.reset();
        if (spec.tty) bridge_pty(pty.master.get(), helper_fd.get());
        int status = 0;
        while (::waitpid(helper, &status, 0) < 0) {
            if (errno != EINTR) throw_errno("waitpid for the exec helper");
        }
        char buf[1024];
        ssize_t n = ::read(err_r.get(), buf, sizeof buf);
        if (n > 0) {
            int code = WIFEXITED(status) ? WEXITSTATUS(status) : 126;
            throw Error(std::string(buf, static_cast<size_t>(n)),
                        std::error_code(code == 127 ? ENOENT : EACCES, std::system_category()));
        }
        ExitStatus st;
        if (WIFSIGNALED(status))
            st.signal = WTERMSIG(status);
        else
            st.code = WEXITSTATUS(status);
        return st;
    });
}

}  // namespace stk::runtime
