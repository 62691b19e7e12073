#include "runtime/cgroup/cgroup_fs.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <thread>

#include "runtime/sys/error.hpp"
#include "runtime/sys/file_util.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::runtime::cgroupfs {
namespace {

using Clock = std::chrono::steady_clock;

std::optional<uint64_t> keyed_in(std::string_view text, std::string_view key) {
    std::istringstream in{std::string(text)};
    std::string k;
    std::string v;
    while (in >> k >> v) {
        if (k == key) {
            if (v == "max") return std::nullopt;
            try {
                return std::stoull(v);
            } catch (const std::exception&) {
                return std::nullopt;
            }
        }
    }
    return std::nullopt;
}

}  // namespace

void write(const fs::path& path, std::string_view value) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
    if (!fd) throw_errno(fmt::format("open \"{}\"", path.string()));
    if (::write(fd.get(), value.data(), value.size()) != static_cast<ssize_t>(value.size()))
        throw_errno(fmt::format("write \"{}\" to \"{}\"", value, path.string()));
}

std::optional<std::string> read(const fs::path& path) {
    auto content = read_file_if_exists(path);
    if (content) {
        while (!content->empty() && (content->back() == '\n' || content->back() == ' '))
            content->pop_back();
    }
    return content;
}

std::optional<uint64_t> read_number(const fs::path& path) {
    auto text = read(path);
    if (!text || text->empty() || *text == "max") return std::nullopt;
    try {
        return std::stoull(*text);
    } catch (const std::exception&) {
        throw Error(fmt::format("read \"{}\": not a number: \"{}\"", path.string(), *text));
    }
}

std::optional<uint64_t> read_keyed(const fs::path& path, std::string_view key) {
    auto text = read(path);
    if (!text) return std::nullopt;
    return keyed_in(*text, key);
}

std::vector<pid_t> read_procs(const fs::path& path) {
    std::vector<pid_t> pids;
    auto text = read(path);
    if (!text) return pids;
    std::istringstream in(*text);
    for (long pid; in >> pid;) pids.push_back(static_cast<pid_t>(pid));
    return pids;
}

bool make_dir(const fs::path& dir) {
    if (::mkdir(dir.c_str(), 0755) == 0) return true;
    if (errno == EEXIST) return false;
    throw_errno(fmt::format("mkdir \"{}\"", dir.string()));
}

void remove_dir(const fs::path& dir, std::chrono::milliseconds patience) {
    auto deadline = Clock::now() + patience;
    auto pause = std::chrono::microseconds(200);
    for (;;) {
        if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return;
        if (errno != EBUSY || Clock::now() >= deadline)
            throw_errno(fmt::format("rmdir \"{}\"", dir.string()));
        std::this_thread::sleep_for(pause);
        pause = std::min<std::chrono::microseconds>(pause * 2, std::chrono::milliseconds(20));
    }
}

bool wait_for_event(const fs::path& events, std::string_view key, uint64_t value,
                    std::chrono::milliseconds timeout) {
    UniqueFd fd(::open(events.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return false;
    auto deadline = Clock::now() + timeout;
    char buf[512];
    for (;;) {
        ssize_t n = ::pread(fd.get(), buf, sizeof buf - 1, 0);
        if (n < 0) throw_errno(fmt::format("read \"{}\"", events.string()));
        if (keyed_in(std::string_view(buf, static_cast<size_t>(n)), key) == value) return true;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return false;
        // kernfs signals a change with POLLPRI; a regular file (tests) is always ready, so
        // pace those loops.
        pollfd p{fd.get(), POLLPRI, 0};
        int rc = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 100)));
        if (rc > 0 && !(p.revents & (POLLPRI | POLLERR)))
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

void kill_until_empty(const std::function<std::vector<pid_t>()>& list,
                      std::chrono::milliseconds timeout, const std::string& what) {
    auto deadline = Clock::now() + timeout;
    auto pause = std::chrono::microseconds(100);
    for (;;) {
        auto pids = list();
        if (pids.empty()) return;
        if (Clock::now() >= deadline) {
            std::string names;
            for (pid_t p : pids) names += (names.empty() ? "" : " ") + std::to_string(p);
            throw Error(fmt::format("kill every process of {}: still running after {} ms: {}", what,
                                    timeout.count(), names));
        }
        for (pid_t p : pids) ::kill(p, SIGKILL);
        std::this_thread::sleep_for(pause);
        pause = std::min<std::chrono::microseconds>(pause * 2, std::chrono::milliseconds(10));
    }
}

}  // namespace stk::runtime::cgroupfs
