#include "orchestrator/watch/file_watcher.hpp"

#include <fmt/format.h>
#include <sys/inotify.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>

#include "runtime/sys/error.hpp"
#include "runtime/sys/log.hpp"

namespace stk::watch {
namespace fs = std::filesystem;
namespace asio = boost::asio;

namespace {

constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE |
                           IN_ONLYDIR | IN_EXCL_UNLINK;

struct Dir {
    fs::path path;
    bool tree = false;            // everything inside counts, subdirectories too
    std::set<std::string> names;  // otherwise: only these entries
};

bool is_dir(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}

}  // namespace

struct FileWatcher::Impl : std::enable_shared_from_this<Impl> {
    Impl(asio::io_context& io, DebounceOptions d, Callback cb)
        : descriptor(io), timer(io), debounce(d), on_change(std::move(cb)) {
        int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (fd < 0) throw_errno("inotify_init1");
        descriptor.assign(fd);
    }

    asio::posix::stream_descriptor descriptor;
    asio::steady_timer timer;
    DebounceOptions debounce;
    Callback on_change;
    bool stopped = false;
    std::map<int, Dir> by_wd;
    std::map<fs::path, int> by_path;
    ChangeBatch pending;
    asio::steady_timer::time_point first_change;
    alignas(inotify_event) char buffer[64 * 1024];

    void read() {
        descriptor.async_read_some(asio::buffer(buffer),
                                   [self = shared_from_this()](const boost::system::error_code& ec,
                                                               size_t n) { self->on_read(ec, n); });
    }

    void on_read(const boost::system::error_code& ec, size_t n) {
        if (stopped || ec == asio::error::operation_aborted) return;
        if (ec) {  // the watch is gone: say so once, loudly
            spdlog::error("file watch stopped: read inotify: {}", ec.message());
            return;
        }
        for (size_t off = 0; off < n;) {
            const auto* ev = reinterpret_cast<const inotify_event*>(buffer + off);
            off += sizeof(inotify_event) + ev->len;
            handle(*ev);
        }
        read();
    }

    void handle(const inotify_event& ev) {
        if (ev.mask & IN_Q_OVERFLOW) {
            pending.overflow = true;
            return note_change();
        }
        auto it = by_wd.find(ev.wd);
        if (it == by_wd.end()) return;
        if (ev.mask & IN_IGNORED) {  // the directory went away (or rm_watch)
            by_path.erase(it->second.path);
            by_wd.erase(it);
            return;
        }
        if (ev.len == 0) return;
        const Dir& dir = it->second;
        std::string name = ev.name;
        if (!dir.tree && !dir.names.count(name)) return;
        fs::path path = dir.path / name;
        if (dir.tree && (ev.mask & IN_ISDIR)) {
            if (ev.mask & (IN_CREATE | IN_MOVED_TO)) add_new_tree(path);
            if (ev.mask & IN_MOVED_FROM) forget_under(path);
        }
        pending.paths.insert(path);
        note_change();
    }

    // A directory appeared inside a watched tree: watch it and report what it already holds
    // (files written before the watch existed would otherwise be missed).
    void add_new_tree(const fs::path& root) {
        std::error_code ec;
        add(root, Dir{root, true, {}});
        for (auto it = fs::recursive_directory_iterator(
                 root, fs::directory_options::skip_permission_denied, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (it->is_directory(ec)) add(it->path(), Dir{it->path(), true, {}});
            pending.paths.insert(it->path());
        }
    }

    void forget_under(const fs::path& root) {
        for (auto it = by_path.begin(); it != by_path.end();) {
            auto rel = it->first.lexically_relative(root);
            if (!rel.empty() && *rel.begin() != "..") {
                ::inotify_rm_watch(descriptor.native_handle(), it->second);
                by_wd.erase(it->second);
                it = by_path.erase(it);
            } else {
                ++it;
            }
        }
    }

    // Adds or updates the watch of one directory; a directory that does not exist is skipped.
    void add(const fs::path& path, Dir dir) {
        int wd = ::inotify_add_watch(descriptor.native_handle(), path.c_str(), kMask);
        if (wd < 0) {
            if (errno == ENOENT || errno == ENOTDIR) return;
            throw_errno(fmt::format("inotify_add_watch \"{}\"", path.string()));
        }
        by_path[path] = wd;
        by_wd[wd] = std::move(dir);
    }

    void note_change() {
        auto now = asio::steady_timer::clock_type::now();
        if (!timer_armed) {
            first_change = now;
            pending.first = now;
        }
        timer_armed = true;
        auto when = std::min(now + debounce.quiet, first_change + debounce.max_delay);
        timer.expires_at(when);
        timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (ec == asio::error::operation_aborted || self->stopped) return;
            self->deliver();
        });
    }

    void deliver() {
        timer_armed = false;
        ChangeBatch batch = std::move(pending);
        pending = ChangeBatch{};
        if (batch.paths.empty() && !batch.overflow) return;
        on_change(batch);
    }

    void watch(const WatchSet& set) {
        std::map<fs::path, Dir> wanted;
        for (const auto& f : set.files) {
            fs::path p = f.lexically_normal();
            Dir& d = wanted[p.parent_path()];
            d.path = p.parent_path();
            d.names.insert(p.filename().string());
        }
        for (const auto& t : set.trees) {
            fs::path root = t.lexically_normal();
            if (!is_dir(root)) {  // a single file (or not there yet): watch it by name
                Dir& d = wanted[root.parent_path()];
                d.path = root.parent_path();
                d.names.insert(root.filename().string());
                continue;
            }
            wanted[root] = Dir{root, true, {}};
            std::error_code ec;
            for (auto it = fs::recursive_directory_iterator(
                     root, fs::directory_options::skip_permission_denied, ec);
                 !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
                if (it->is_directory(ec)) wanted[it->path()] = Dir{it->path(), true, {}};
        }
        for (auto it = by_path.begin(); it != by_path.end();) {
            if (wanted.count(it->first)) {
                ++it;
                continue;
            }
            ::inotify_rm_watch(descriptor.native_handle(), it->second);
            by_wd.erase(it->second);
            it = by_path.erase(it);
        }
        for (auto& [path, dir] : wanted) add(path, std::move(dir));
    }

    bool timer_armed = false;
};

FileWatcher::FileWatcher(supervise::IoContext& io, DebounceOptions debounce, Callback on_change)
    : impl_(std::make_shared<Impl>(io, debounce, std::move(on_change))) {
    impl_->read();
}

FileWatcher::~FileWatcher() {
    impl_->stopped = true;
    boost::system::error_code ignored;
    impl_->timer.cancel();
    impl_->descriptor.close(ignored);
}

void FileWatcher::watch(const WatchSet& set) { impl_->watch(set); }

std::vector<fs::path> FileWatcher::watched_directories() const {
    std::vector<fs::path> out;
    for (const auto& [path, wd] : impl_->by_path) out.push_back(path);
    return out;
}

}  // namespace stk::watch
