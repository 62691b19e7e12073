// By-name operations on recorded containers: they read state.json and reach the live process
// through a pidfd verified against the recorded start time.
#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "runtime/cgroup/cgroup_manager.hpp"
#include "runtime/container.hpp"
#include "runtime/process/pid_identity.hpp"
#include "runtime/rootfs/rootfs_layout.hpp"
#include "runtime/state/state_store.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/log.hpp"

namespace stk::runtime {
namespace {

// A recorded live status is only true while PID 1 is the same process.
ContainerState refreshed(ContainerState s) {
    if (s.status == Status::Exited) return s;
    if (!open_verified_pidfd(s.pid, s.pid_start_time)) {
        s.status = Status::Exited;
        s.pid = 0;
    }
    return s;
}

}  // namespace

std::optional<ContainerState> find_container(const std::string& name) {
    validate_container_name(name);
    auto s = read_state(name);
    if (!s) return std::nullopt;
    return refreshed(std::move(*s));
}

ContainerState inspect(const std::string& name) {
    auto s = find_container(name);
    if (!s) throw Error(fmt::format("no such container \"{}\"", name));
    return *s;
}

std::vector<ContainerState> list_containers() {
    std::vector<ContainerState> out;
    for (const auto& name : list_state_names()) {
        try {
            if (auto s = read_state(name)) out.push_back(refreshed(std::move(*s)));
        } catch (const Error& e) {
            spdlog::warn("{}", e.what());
        }
    }
    return out;
}

void kill_container(const std::string& name, int sig) {
    with_context(fmt::format("kill container \"{}\"", name), [&] {
        ContainerState s = inspect(name);
        if (s.status == Status::Exited) throw Error("it is not running");
        auto pidfd = open_verified_pidfd(s.pid, s.pid_start_time);
        if (!pidfd) throw Error("it is not running");
        if (pidfd_send_signal_raw(pidfd->get(), sig) != 0)
            throw_errno(fmt::format("pidfd_send_signal {} to pid {}", sig, s.pid));
    });
}

void stop_container(const std::string& name, std::optional<std::chrono::milliseconds> grace) {
    with_context(fmt::format("stop container \"{}\"", name), [&] {
        ContainerState s = inspect(name);
        if (s.status == Status::Exited) return;
        auto pidfd = open_verified_pidfd(s.pid, s.pid_start_time);
        if (!pidfd) return;
        if (s.status == Status::Paused) make_cgroup_manager()->open(s.cgroup)->freeze(false);
        if (pidfd_send_signal_raw(pidfd->get(), s.stop_signal) != 0 && errno != ESRCH)
            throw_errno(fmt::format("pidfd_send_signal {} to pid {}", s.stop_signal, s.pid));
        // A pidfd of a process that is not our child still becomes readable when it exits.
        pollfd p{pidfd->get(), POLLIN, 0};
        int timeout = static_cast<int>(grace.value_or(s.stop_grace).count());
        int r;
        do {
            r = ::poll(&p, 1, timeout);
        } while (r < 0 && errno == EINTR);
        if (r == 0) make_cgroup_manager()->open(s.cgroup)->kill_all();
        // Let the monitor record the exit before returning.
        UniqueFd lock(::open(monitor_lock_file(name).c_str(), O_RDWR | O_CLOEXEC));
        if (lock) ::flock(lock.get(), LOCK_EX);
    });
}

namespace {

struct Removal {
    bool force = false;                // kill what still runs
    bool keep_writable_layer = false;  // reset: upper and work stay for the next container
    bool missing_ok = false;           // nothing left of it is no error
};

void remove_container_with(const std::string& name, Removal how) {
    validate_container_name(name);
    const char* verb = how.keep_writable_layer ? "reset" : "remove";
    with_context(fmt::format("{} container \"{}\"", verb, name), [&] {
        auto s = read_state(name);
        auto cgroups = make_cgroup_manager();
        const bool has_cgroup = cgroups->exists(name);
        if (!s && !has_cgroup && !std::filesystem::exists(container_dir(name))) {
            if (how.missing_ok) return;
            throw Error("no such container");
        }
        if (s) {
            ContainerState live = refreshed(*s);
            if (live.status != Status::Exited) {
                if (!how.force) throw Error("it is running: stop it first or use --force");
                if (auto pidfd = open_verified_pidfd(live.pid, live.pid_start_time))
                    pidfd_send_signal_raw(pidfd->get(), SIGKILL);
            }
        }
        // Whatever is left in the cgroup (exec'd processes, a frozen tree) dies with it.
        if (has_cgroup) cgroups->open(name)->destroy();
        // The monitor holds this lock until it has recorded the exit: let it finish first so
        // it does not write into a directory being removed.
        UniqueFd lock(::open(monitor_lock_file(name).c_str(), O_RDWR | O_CLOEXEC));
        if (lock) ::flock(lock.get(), LOCK_EX);
        lock.reset();
        remove_rootfs_dirs(name, how.keep_writable_layer);
        if (how.keep_writable_layer ? std::filesystem::exists(state_file(name))
                                : std::filesystem::exists(container_dir(name)))
            throw Error(fmt::format("\"{}\" could not be removed", container_dir(name).string()));
    });
}

}  // namespace

void remove_container(const std::string& name, bool force) {
    remove_container_with(name, {.force = force});
}

void reset_container(const std::string& name) {
    remove_container_with(name, {.force = true, .keep_writable_layer = true, .missing_ok = true});
}

void discard_container(const std::string& name) {
    remove_container_with(name, {.force = true, .missing_ok = true});
}

}  // namespace stk::runtime
