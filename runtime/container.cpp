#include "runtime/container.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>

#include "runtime/cgroup/cgroup_manager.hpp"
#include "runtime/process/child_recipe.hpp"
#include "runtime/process/clone3.hpp"
#include "runtime/process/log_copier.hpp"
#include "runtime/process/pid_identity.hpp"
#include "runtime/process/pty.hpp"
#include "runtime/process/sync_channel.hpp"
#include "runtime/process/timestamp.hpp"
#include "runtime/rootfs/rootfs_layout.hpp"
#include "runtime/security/capabilities.hpp"
#include "runtime/security/rlimits.hpp"
#include "runtime/security/seccomp_program.hpp"
#include "runtime/security/sysctls.hpp"
#include "runtime/state/state_store.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/file_util.hpp"
#include "runtime/sys/log.hpp"
#include "runtime/sys/scope_exit.hpp"

namespace stk::runtime {

struct Container::Impl {
    ContainerSpec spec;
    std::unique_ptr<CgroupManager> cgroups;
    std::unique_ptr<Cgroup> cgroup;
    UniqueFd pidfd;
    UniqueFd sync;
    UniqueFd monitor_lock;
    UniqueFd tty_master;
    pid_t log_pid = -1;
    ContainerState state;
    std::optional<ExitStatus> exit;
    std::optional<ExitStatus> service_exit;  // reported by PID 1 before it exits

    void save() noexcept {
        try {
            write_state(state);
        } catch (const std::exception& e) {
            // The directory is gone when `rm -f` raced us; nothing is left to record then.
            spdlog::debug("container \"{}\": {}", state.name, e.what());
        }
    }
    void drain_sync() {
        while (auto m = sync_try_receive(sync.get())) {
            if (m->type == SyncType::ServiceExited) service_exit = ExitStatus{m->code, m->signal};
        }
    }
};

namespace {

uint64_t namespace_flags(const ContainerSpec& spec) {
    uint64_t flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP;
    if (spec.network.mode == NetworkSpec::Mode::None) flags |= CLONE_NEWNET;
    if (spec.user_namespace) flags |= CLONE_NEWUSER;
    return flags;
}

std::string rootfs_summary(const RootfsSpec& r) {
    switch (r.kind) {
        case RootfsSpec::Kind::Directory: return r.directory.string();
        case RootfsSpec::Kind::HostView: return "host";
        case RootfsSpec::Kind::Layers: {
            std::string s;
            for (const auto& d : r.lower_dirs) s += (s.empty() ? "" : ":") + d.string();
            return s;
        }
    }
    return "";
}

void write_id_maps(pid_t pid, const ContainerSpec& spec) {
    auto format = [](const std::vector<IdMap>& maps) {
        std::string s;
        for (const auto& m : maps) s += fmt::format("{} {} {}\n", m.inside, m.outside, m.count);
        return s;
    };
    if (spec.uid_maps.empty() || spec.gid_maps.empty())
        throw Error("a user namespace needs uid_maps and gid_maps");
    auto proc = std::filesystem::path("/proc") / std::to_string(pid);
    write_knob(proc / "uid_map", format(spec.uid_maps));
    write_knob(proc / "gid_map", format(spec.gid_maps));
}

// Closes every fd of the parent in the child except `keep` (sorted, unique).
void close_all_except(std::vector<int> keep) noexcept {
    std::sort(keep.begin(), keep.end());
    unsigned next = 3;
    for (int fd : keep) {
        if (fd < static_cast<int>(next)) continue;
        if (static_cast<unsigned>(fd) > next)
            ::syscall(SYS_close_range, next, static_cast<unsigned>(fd) - 1, 0U);
        next = static_cast<unsigned>(fd) + 1;
    }
    ::syscall(SYS_close_range, next, ~0U, 0U);
}

Error child_failure(const SyncMessage& m) {
    std::error_code code = m.err != 0 ? std::error_code(m.err, std::system_category())
                                      : std::error_code();
    return Error(fmt::format("{}: {}", m.step, m.text), code);
}

ExitStatus to_exit_status(const siginfo_t& info) {
    ExitStatus st;
    if (info.si_code == CLD_EXITED)
        st.code = info.si_status;
    else
        st.signal = info.si_status;
    return st;
}

}  // namespace

Container::Container(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Container::Container(Container&&) noexcept = default;
Container& Container::operator=(Container&&) noexcept = default;
Container::~Container() = default;

Container Container::create(const ContainerSpec& spec) {
    validate_container_name(spec.name);
    return with_context(fmt::format("create container \"{}\"", spec.name), [&] {
        if (spec.process.args.empty()) throw Error("no command to run");
        if (std::filesystem::exists(state_file(spec.name)))
            throw Error("a container of this name already exists");
        auto impl = std::make_unique<Impl>();
        impl->spec = spec;
        // Decide everything in the parent, so the child only applies (and allocates little).
        const uint64_t caps = resolve_capabilities(spec.security);
        const SeccompProgram* seccomp = nullptr;
        if (spec.security.seccomp && !spec.security.privileged)
            seccomp = &SeccompProgram::for_capabilities(caps);
        std::vector<std::string> warnings;
        RlimitPlan rlimits = plan_rlimits(spec.ulimits, warnings);
        for (const auto& w : warnings) spdlog::warn("container \"{}\": {}", spec.name, w);
        validate_sysctls(spec.sysctls, spec.network.mode == NetworkSpec::Mode::Host);

        // A reset container's writable layer outlives a failed start too.
        const bool had_layer = std::filesystem::exists(rootfs_layout_for(spec.name).upper);
        RootfsLayout layout = prepare_rootfs_dirs(spec);
        ScopeExit remove_dirs([&] { remove_rootfs_dirs(spec.name, had_layer); });

        impl->cgroups = make_cgroup_manager();
        impl->cgroup = impl->cgroups->create(spec.name);
        CgroupGuard cgroup_guard(*impl->cgroup);
        with_context("apply resource limits", [&] { impl->cgroup->apply(spec.resources); });

        impl->monitor_lock = UniqueFd(::open(monitor_lock_file(spec.name).c_str(),
                                             O_RDWR | O_CREAT | O_CLOEXEC, 0600));
        if (!impl->monitor_lock) throw_errno("open the monitor lock");
        check_sys(::flock(impl->monitor_lock.get(), LOCK_EX | LOCK_NB), "flock the monitor lock");

        SyncPair sync = make_sync_pair();
        ChildPlan plan;
        plan.spec = &impl->spec;
        plan.layout = layout;
        plan.capabilities = caps;
        plan.seccomp = seccomp;
        plan.rlimits = rlimits;
        plan.sync_fd = sync.child.get();

        LogCopier copier;
        UniqueFd tty_slave;
        if (spec.process.tty) {
            Pty pty = open_pty();
            impl->tty_master = std::move(pty.master);
            tty_slave = std::move(pty.slave);
            plan.tty_fd = tty_slave.get();
        } else if (!spec.output.log_file.empty()) {
            copier = start_log_copier(spec.output.log_file);
            impl->log_pid = copier.pid;
            plan.stdout_fd = copier.stdout_w.get();
            plan.stderr_fd = copier.stderr_w.get();
        } else {
            plan.stdout_fd = spec.output.stdout_fd;
            plan.stderr_fd = spec.output.stderr_fd;
        }
        ScopeExit reap_copier([&] {
            copier.stdout_w.reset();
            copier.stderr_w.reset();
            if (impl->log_pid > 0) ::waitpid(impl->log_pid, nullptr, 0);
        });
        UniqueFd netns;
        if (spec.network.mode == NetworkSpec::Mode::Join) {
            netns = UniqueFd(::open(spec.network.netns_path.c_str(), O_RDONLY | O_CLOEXEC));
            if (!netns)
                throw_errno(fmt::format("open network namespace \"{}\"",
                                        spec.network.netns_path.string()));
            plan.netns_fd = netns.get();
        }

        std::vector<UniqueFd> join_fds = impl->cgroup->open_self_join();
        for (const auto& fd : join_fds) plan.cgroup_join_fds.push_back(fd.get());
        bool into_cgroup = false;
        CloneResult child = clone3_process(namespace_flags(spec), impl->cgroup->clone_into_fd(),
                                           into_cgroup);
        if (child.pid == 0) {
            std::vector<int> keep{plan.sync_fd, plan.netns_fd, plan.stdout_fd, plan.stderr_fd,
                                  plan.tty_fd};
            keep.insert(keep.end(), plan.cgroup_join_fds.begin(), plan.cgroup_join_fds.end());
            close_all_except(std::move(keep));
            run_container_child(plan);
        }
        impl->pidfd = UniqueFd(child.pidfd);
        ScopeExit kill_child([&] {
            pidfd_send_signal_raw(impl->pidfd.get(), SIGKILL);
            siginfo_t info{};
            ::waitid(P_PIDFD, impl->pidfd.get(), &info, WEXITED);
        });
        sync.child.reset();
        tty_slave.reset();
        copier.stdout_w.reset();
        copier.stderr_w.reset();
        netns.reset();
        join_fds.clear();
        impl->sync = std::move(sync.parent);

        if (spec.user_namespace)
            with_context("write id maps", [&] { write_id_maps(child.pid, spec); });
        // The child joins the v1 hierarchies itself.
        with_context("join the cgroup",
                     [&] { impl->cgroup->join_unplaced(child.pid, into_cgroup); });
        if (!sync_send(impl->sync.get(), SyncType::Go))
            throw Error("the container's first process died before setup");
        // The state is recorded while the child sets up (on failure the directory holding it
        // goes with remove_dirs), so it is not on the path between Ready and start().
        ContainerState& st = impl->state;
        st.name = spec.name;
        st.status = Status::Created;
        st.pid = child.pid;
        st.pid_start_time = process_start_time(child.pid).value_or(0);
        st.monitor_pid = ::getpid();
        st.created_at = rfc3339_now();
        st.cgroup = impl->cgroup->name();
        st.command = spec.process.args;
        st.rootfs = rootfs_summary(spec.rootfs);
        st.labels = spec.labels;
        st.env = spec.process.env;
        st.cwd = spec.process.cwd.empty() ? "/" : spec.process.cwd;
        st.user = spec.process.user;
        st.capabilities = caps;
        st.seccomp = seccomp != nullptr;
        st.no_new_privileges = spec.security.no_new_privileges;
        st.log_file = spec.output.log_file;
        st.stop_signal = spec.process.stop_signal;
        st.stop_grace = spec.process.stop_grace;
        write_state(st);
        auto reply = sync_receive(impl->sync.get());
        if (!reply) throw Error("the container's first process died during setup");
        if (reply->type == SyncType::Failed) throw child_failure(*reply);
        if (reply->type != SyncType::Ready)
            throw Error(fmt::format("unexpected \"{}\" during setup", sync_type_name(reply->type)));

        kill_child.dismiss();
        reap_copier.dismiss();
        cgroup_guard.commit();
        remove_dirs.dismiss();
        return Container(std::move(impl));
    });
}

void Container::start() {
    with_context(fmt::format("start container \"{}\"", impl_->state.name), [&] {
        if (impl_->state.status != Status::Created) throw Error("it is not in the created state");
        if (!sync_send(impl_->sync.get(), SyncType::Start))
            throw Error("the container's first process has exited");
        // Recorded while PID 1 starts the command rather than after.
        impl_->state.started_at = rfc3339_now();
        impl_->state.status = Status::Running;
        impl_->save();
        auto reply = sync_receive(impl_->sync.get());
        if (!reply) throw Error("the container's first process exited before the command ran");
        if (reply->type == SyncType::Failed) throw child_failure(*reply);
        if (reply->type != SyncType::Started)
            throw Error(fmt::format("unexpected \"{}\" at start", sync_type_name(reply->type)));
    });
}

const std::string& Container::name() const { return impl_->state.name; }
pid_t Container::pid() const { return impl_->state.pid; }
int Container::pidfd() const { return impl_->pidfd.get(); }
int Container::report_fd() const { return impl_->sync.get(); }

std::optional<ExitStatus> Container::service_exit() {
    if (!impl_->service_exit && !impl_->exit) impl_->drain_sync();
    return impl_->service_exit;
}

int Container::tty_master() const { return impl_->tty_master.get(); }
const ContainerState& Container::state() const { return impl_->state; }
std::chrono::milliseconds Container::stop_grace() const { return impl_->spec.process.stop_grace; }

std::filesystem::path Container::netns_path() const {
    switch (impl_->spec.network.mode) {
        case NetworkSpec::Mode::Join: return impl_->spec.network.netns_path;
        case NetworkSpec::Mode::Host: return "/proc/1/ns/net";
        case NetworkSpec::Mode::None: break;
    }
    return std::filesystem::path("/proc") / std::to_string(impl_->state.pid) / "ns" / "net";
}

void Container::signal(int sig) {
    if (impl_->exit) return;
    if (pidfd_send_signal_raw(impl_->pidfd.get(), sig) != 0 && errno != ESRCH)
        throw_errno(fmt::format("signal {} to container \"{}\"", sig, impl_->state.name));
}

std::optional<ExitStatus> Container::try_collect() {
    if (impl_->exit) return impl_->exit;
    siginfo_t info{};
    if (::waitid(P_PIDFD, impl_->pidfd.get(), &info, WEXITED | WNOHANG) != 0)
        throw_errno(fmt::format("waitid for container \"{}\"", impl_->state.name));
    if (info.si_pid == 0) return std::nullopt;
    ExitStatus st = to_exit_status(info);
    try {
        impl_->drain_sync();
    } catch (const std::exception& e) {
        spdlog::debug("container \"{}\": {}", impl_->state.name, e.what());
    }
    if (impl_->service_exit) st = *impl_->service_exit;
    try {
        st.oom_killed = impl_->cgroup->stats().oom_kills > 0;
    } catch (const std::exception& e) {
        spdlog::warn("container \"{}\": read OOM kills: {}", impl_->state.name, e.what());
    }
    if (impl_->log_pid > 0) {
        // Every writer is gone with the pid namespace: the copier sees EOF and ends.
        ::waitpid(impl_->log_pid, nullptr, 0);
        impl_->log_pid = -1;
    }
    impl_->exit = st;
    impl_->state.exit = st;
    impl_->state.status = Status::Exited;
    impl_->state.finished_at = rfc3339_now();
    impl_->state.pid = 0;
    impl_->save();
    impl_->monitor_lock.reset();
    return st;
}

ExitStatus Container::wait() {
    for (;;) {
        if (auto st = try_collect()) return *st;
        pollfd p{impl_->pidfd.get(), POLLIN, 0};
        if (::poll(&p, 1, -1) < 0 && errno != EINTR)
            throw_errno(fmt::format("poll the pidfd of container \"{}\"", impl_->state.name));
    }
}

ExitStatus Container::stop(std::chrono::milliseconds grace) {
    if (auto st = try_collect()) return *st;
    signal(impl_->spec.process.stop_signal);
    pollfd p{impl_->pidfd.get(), POLLIN, 0};
    int left = static_cast<int>(grace.count());
    if (::poll(&p, 1, left) == 0) {
        with_context(fmt::format("stop container \"{}\"", impl_->state.name),
                     [&] { impl_->cgroup->kill_all(); });
    }
    return wait();
}

void Container::pause() {
    with_context(fmt::format("pause container \"{}\"", impl_->state.name),
                 [&] { impl_->cgroup->freeze(true); });
    impl_->state.status = Status::Paused;
    impl_->save();
}

void Container::unpause() {
    with_context(fmt::format("unpause container \"{}\"", impl_->state.name),
                 [&] { impl_->cgroup->freeze(false); });
    impl_->state.status = Status::Running;
    impl_->save();
}

}  // namespace stk::runtime
