#include "orchestrator/cli/output/log_follower.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "orchestrator/supervise/state/state_store.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::cli::output {
namespace {

struct Followed {
    supervise::LogSource source;
    off_t offset = 0;
    std::string partial;  // an unfinished last line
};

// Appends the complete lines `f` gained since the last read; a file that shrank (a recreated
// container) is read again from its start.
void read_new(Followed& f, std::vector<supervise::MergedLogLine>& out) {
    UniqueFd fd(::open(f.source.file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) return;
        throw_errno("open log " + f.source.file.string());
    }
    struct stat st {};
    check_sys(::fstat(fd.get(), &st), "stat log " + f.source.file.string());
    if (st.st_size < f.offset) {
        f.offset = 0;
        f.partial.clear();
    }
    char buf[65536];
    while (true) {
        ssize_t n = ::pread(fd.get(), buf, sizeof buf, f.offset);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("read log " + f.source.file.string());
        }
        if (n == 0) break;
        f.offset += n;
        f.partial.append(buf, static_cast<size_t>(n));
    }
    size_t start = 0;
    for (size_t nl; (nl = f.partial.find('\n', start)) != std::string::npos; start = nl + 1) {
        auto record =
            supervise::parse_log_record(std::string_view(f.partial).substr(start, nl - start));
        if (record) out.push_back({f.source.name, std::move(*record)});
    }
    f.partial.erase(0, start);
}

int pidfd_of(int pid, uint64_t start_time) {
    if (pid <= 0 || !supervise::process_alive(pid, start_time)) return -1;
    int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    // Checked again after opening: the pid could have been reused in between.
    if (fd >= 0 && !supervise::process_alive(pid, start_time)) {
        ::close(fd);
        return -1;
    }
    return fd;
}

class Follower {
public:
    Follower(const FollowOptions& options, const EmitLine& emit)
        : options_(options), emit_(emit), logs_dir_(options.project_dir / "logs") {
        for (const auto& s : options.sources) followed_.push_back(Followed{s, 0, {}});
    }

    void run() {
        setup();
        std::vector<supervise::MergedLogLine> batch;
        for (auto& f : followed_) {
            std::vector<supervise::MergedLogLine> lines;
            read_new(f, lines);
            filter_initial(lines);
            std::move(lines.begin(), lines.end(), std::back_inserter(batch));
        }
        if (!flush(batch)) return;
        bool done = project_gone() || !options_.running(!pidfd_);
        while (!done) {
            pollfd fds[3] = {{inotify_.get(), POLLIN, 0},
                             {signals_.get(), POLLIN, 0},
                             {pidfd_.get(), POLLIN, 0}};
            int n = ::poll(fds, pidfd_ ? 3 : 2, -1);
            if (n < 0) {
                if (errno == EINTR) continue;
                throw_errno("poll log events");
            }
            if (fds[1].revents) break;  // Ctrl-C or SIGTERM
            bool recheck = false;
            if (pidfd_ && fds[2].revents) {
                pidfd_.reset();
                recheck = true;
            }
            if (fds[0].revents) recheck |= drain_inotify(done);
            batch.clear();
            for (auto& f : followed_) read_new(f, batch);
            if (!flush(batch)) return;
            if (!done && recheck) done = project_gone() || !options_.running(!pidfd_);
        }
    }

private:
    void setup() {
        inotify_.reset(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
        if (!inotify_) throw_errno("inotify_init1");
        project_wd_ = ::inotify_add_watch(
            inotify_.get(), options_.project_dir.c_str(),
            IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF);
        if (project_wd_ < 0) throw_errno("watch " + options_.project_dir.string());
        watch_logs_dir();

        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        check_sys(::sigprocmask(SIG_BLOCK, &set, nullptr), "block SIGINT and SIGTERM");
        signals_.reset(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
        if (!signals_) throw_errno("signalfd");
        pidfd_.reset(pidfd_of(options_.supervisor_pid, options_.supervisor_start_time));
    }

    void watch_logs_dir() {
        if (logs_wd_ >= 0) return;
        logs_wd_ = ::inotify_add_watch(inotify_.get(), logs_dir_.c_str(),
                                       IN_MODIFY | IN_CREATE | IN_MOVED_TO);
        if (logs_wd_ < 0 && errno != ENOENT) throw_errno("watch " + logs_dir_.string());
    }

    // Reads the pending events; true when the state may have changed.
    bool drain_inotify(bool& done) {
        alignas(inotify_event) char buf[8192];
        bool recheck = false;
        while (true) {
            ssize_t n = ::read(inotify_.get(), buf, sizeof buf);
            if (n < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN) break;
                throw_errno("read inotify events");
            }
            for (char* p = buf; p < buf + n;) {
                auto* ev = reinterpret_cast<inotify_event*>(p);
                p += sizeof(inotify_event) + ev->len;
                const std::string name = ev->len ? ev->name : "";
                if (ev->wd == project_wd_) {
                    if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) done = true;
                    if (name == "logs") watch_logs_dir();
                    if (name == "state.json") recheck = true;
                } else if (ev->wd == logs_wd_ && (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
                    add_source(name);
                }
            }
        }
        return recheck;
    }

    void add_source(const std::string& file) {
        const std::string suffix = ".log";
        if (file.size() <= suffix.size() ||
            file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0) {
            return;
        }
        const auto path = logs_dir_ / file;
        for (const auto& f : followed_) {
            if (f.source.file == path) return;
        }
        auto shown = options_.accept(file.substr(0, file.size() - suffix.size()));
        if (shown) followed_.push_back(Followed{{*shown, path}, 0, {}});
    }

    bool project_gone() const {
        std::error_code ec;
        return !std::filesystem::exists(options_.project_dir / "state.json", ec);
    }

    void filter_initial(std::vector<supervise::MergedLogLine>& lines) const {
        const auto& since = options_.filters.since;
        if (since) {
            lines.erase(std::remove_if(lines.begin(), lines.end(),
                                       [&](const auto& l) { return l.record.time < *since; }),
                        lines.end());
        }
        const auto& tail = options_.filters.tail;
        if (tail && lines.size() > *tail) {
            lines.erase(lines.begin(), lines.end() - static_cast<ptrdiff_t>(*tail));
        }
    }

    // Emits in time order (stable: source order, then file order); false when told to stop.
    bool flush(std::vector<supervise::MergedLogLine>& batch) {
        std::stable_sort(batch.begin(), batch.end(), [](const auto& a, const auto& b) {
            return a.record.time < b.record.time;
        });
        for (const auto& l : batch) {
            if (!emit_(l)) return false;
        }
        return true;
    }

    const FollowOptions& options_;
    const EmitLine& emit_;
    std::filesystem::path logs_dir_;
    std::vector<Followed> followed_;
    UniqueFd inotify_;
    UniqueFd signals_;
    UniqueFd pidfd_;
    int project_wd_ = -1;
    int logs_wd_ = -1;
};

}  // namespace

void follow_logs(const FollowOptions& options, const EmitLine& emit) {
    Follower(options, emit).run();
}

}  // namespace stk::cli::output
