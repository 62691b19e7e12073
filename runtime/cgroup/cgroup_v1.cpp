#include "runtime/cgroup/cgroup_v1.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <thread>

#include "runtime/cgroup/cgroup_fs.hpp"
#include "runtime/cgroup/cgroup_io_stats.hpp"
#include "runtime/cgroup/cgroup_values.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/scope_exit.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::runtime {
namespace {

namespace fs = std::filesystem;
namespace cg = cgroupfs;
using namespace std::chrono_literals;

// The v1 controllers stack sets or reads (blkio for `stats`' BLOCK I/O); others (devices, ...)
// are left alone, which also saves their mkdir/rmdir on every start.
constexpr const char* kUsedControllers[] = {"memory", "cpu",     "cpuacct", "cpuset",
                                            "pids",   "freezer", "blkio"};
// memory.limit_in_bytes reads back as PAGE_COUNTER_MAX * page size when unlimited.
constexpr uint64_t kV1Unlimited = 0x7FFFFFFFFFFFF000ull;

struct V1Paths {
    std::map<std::string, fs::path> by_controller;
    std::vector<fs::path> dirs;  // one per mounted hierarchy (cpu,cpuacct co-mounted = one)
    std::optional<fs::path> unified;
};

V1Paths paths_for(const CgroupLayout& layout, const fs::path& rel) {
    V1Paths p;
    for (const char* c : kUsedControllers) {
        auto it = layout.v1.find(c);
        if (it == layout.v1.end()) continue;
        fs::path dir = it->second / rel;
        p.by_controller[c] = dir;
        if (std::find(p.dirs.begin(), p.dirs.end(), dir) == p.dirs.end()) p.dirs.push_back(dir);
    }
    if (layout.unified) p.unified = *layout.unified / rel;
    return p;
}

// cpuset refuses tasks (ENOSPC) until cpus and mems are set: inherit the parent's.
void copy_cpuset_from_parent(const fs::path& dir) {
    for (const char* knob : {"cpuset.cpus", "cpuset.mems"}) {
        auto mine = cg::read(dir / knob);
        if (!mine || !mine->empty()) continue;
        auto theirs = cg::read(dir.parent_path() / knob);
        if (theirs && !theirs->empty()) cg::write(dir / knob, *theirs);
    }
}

class V1Cgroup final : public Cgroup {
public:
    V1Cgroup(std::string name, V1Paths paths) : name_(std::move(name)), paths_(std::move(paths)) {
        if (paths_.unified) {
            unified_fd_.reset(::open(paths_.unified->c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
            if (!unified_fd_) throw_errno(fmt::format("open \"{}\"", paths_.unified->string()));
        }
    }

    const std::string& name() const override { return name_; }

    void apply(const Resources& r) override {
        with_context(fmt::format("apply limits to cgroup \"{}\"", name_), [&] {
            check_memory(r);
            if (r.memory_limit || r.memory_swap_limit || r.memory_reservation) {
                const fs::path& dir = need("memory", "memory limits");
                if (r.memory_limit) set_memory(dir, r);
                if (r.memory_reservation)
                    cg::write(dir / "memory.soft_limit_in_bytes",
                              std::to_string(*r.memory_reservation));
            }
            if (r.cpus || r.cpu_shares) {
                const fs::path& dir = need("cpu", "cpus and cpu_shares");
                if (r.cpus) {
                    int64_t quota = cpu_quota_us(*r.cpus, ::sysconf(_SC_NPROCESSORS_ONLN));
                    cg::write(dir / "cpu.cfs_period_us", std::to_string(kCfsPeriodUs));
                    cg::write(dir / "cpu.cfs_quota_us", std::to_string(quota));
                }
                if (r.cpu_shares) {
                    check_cpu_shares(*r.cpu_shares);
                    cg::write(dir / "cpu.shares", std::to_string(*r.cpu_shares));
                }
            }
            if (r.cpuset_cpus || r.cpuset_mems) {
                const fs::path& dir = need("cpuset", "cpuset");
                if (r.cpuset_cpus) {
                    check_cpuset_list(*r.cpuset_cpus, "cpuset");
                    cg::write(dir / "cpuset.cpus", *r.cpuset_cpus);
                }
                if (r.cpuset_mems) {
                    check_cpuset_list(*r.cpuset_mems, "cpuset mems");
                    cg::write(dir / "cpuset.mems", *r.cpuset_mems);
                }
            }
            if (r.pids_limit) {
                std::string value = pids_max_value(*r.pids_limit);
                cg::write(need("pids", "pids_limit") / "pids.max", value);
            }
        });
    }

    void add_process(pid_t pid) override {
        with_context(fmt::format("add process {} to cgroup \"{}\"", pid, name_), [&] {
            const std::string text = std::to_string(pid);
            for (const auto& dir : paths_.dirs) cg::write(dir / "cgroup.procs", text);
            if (paths_.unified) cg::write(*paths_.unified / "cgroup.procs", text);
        });
    }

    int clone_into_fd() const override { return unified_fd_.get(); }

    std::vector<UniqueFd> open_self_join() const override {
        std::vector<UniqueFd> fds;
        for (const auto& dir : paths_.dirs) {
            fs::path tasks = dir / "tasks";
            UniqueFd fd(::open(tasks.c_str(), O_WRONLY | O_CLOEXEC));
            if (!fd) throw_errno(fmt::format("open \"{}\"", tasks.string()));
            fds.push_back(std::move(fd));
        }
        return fds;
    }

    void freeze(bool frozen) override {
        with_context(fmt::format("{} cgroup \"{}\"", frozen ? "freeze" : "thaw", name_), [&] {
            if (auto it = paths_.by_controller.find("freezer"); it != paths_.by_controller.end())
                return set_v1_freezer(it->second, frozen);
            if (paths_.unified && fs::exists(*paths_.unified / "cgroup.freeze")) {
                cg::write(*paths_.unified / "cgroup.freeze", frozen ? "1" : "0");
                if (!cg::wait_for_event(*paths_.unified / "cgroup.events", "frozen", frozen, 5s))
                    throw Error("cgroup.events did not settle within 5 s");
                return;
            }
            throw Error("no freezer: neither the v1 freezer nor cgroup.freeze is available");
        });
    }

    CgroupStats stats() const override {
        return with_context(fmt::format("read stats of cgroup \"{}\"", name_), [&] {
            CgroupStats s;
            if (auto dir = find("memory")) {
                s.memory_usage = cg::read_number(*dir / "memory.usage_in_bytes").value_or(0);
                auto limit = cg::read_number(*dir / "memory.limit_in_bytes");
                if (limit && *limit < kV1Unlimited) s.memory_limit = limit;
                s.oom_kills = cg::read_keyed(*dir / "memory.oom_control", "oom_kill").value_or(0);
            }
            if (auto dir = find("cpuacct")) {
                s.cpu_usage_ns = cg::read_number(*dir / "cpuacct.usage").value_or(0);
            } else if (paths_.unified) {
                s.cpu_usage_ns =
                    cg::read_keyed(*paths_.unified / "cpu.stat", "usage_usec").value_or(0) * 1000;
            }
            auto dir = find("pids");
            auto current = dir ? cg::read_number(*dir / "pids.current") : std::nullopt;
            s.pids = current ? *current : pids().size();
            BlockIo io;
            if (auto blkio = find("blkio")) {
                auto text = cg::read(*blkio / "blkio.throttle.io_service_bytes_recursive");
                if (!text) text = cg::read(*blkio / "blkio.throttle.io_service_bytes");
                io = parse_blkio_service_bytes(text.value_or(""));
            } else if (paths_.unified) {
                io = parse_io_stat(cg::read(*paths_.unified / "io.stat").value_or(""));
            }
            s.block_read_bytes = io.read_bytes;
            s.block_write_bytes = io.write_bytes;
            return s;
        });
    }

    std::vector<pid_t> pids() const override {
        std::set<pid_t> all;
        for (const auto& dir : paths_.dirs)
            for (pid_t p : cg::read_procs(dir / "cgroup.procs")) all.insert(p);
        if (paths_.unified)
            for (pid_t p : cg::read_procs(*paths_.unified / "cgroup.procs")) all.insert(p);
        return {all.begin(), all.end()};
    }

    bool populated() const override {
        if (paths_.unified) {
            auto v = cg::read_keyed(*paths_.unified / "cgroup.events", "populated");
            if (v) return *v != 0 || !pids().empty();
        }
        return !pids().empty();
    }

    void kill_all() override {
        with_context(fmt::format("kill cgroup \"{}\"", name_), [&] {
            for (pid_t p : pids()) ::kill(p, SIGKILL);
            // Frozen v1 tasks only die once thawed.
            if (auto dir = find("freezer");
                dir && cg::read(*dir / "freezer.state").value_or("THAWED") != "THAWED")
                set_v1_freezer(*dir, false);
            if (paths_.unified && fs::exists(*paths_.unified / "cgroup.kill")) {
                cg::write(*paths_.unified / "cgroup.kill", "1");
                cg::wait_for_event(*paths_.unified / "cgroup.events", "populated", 0, 2s);
            }
            cg::kill_until_empty([this] { return pids(); }, 10s,
                                 fmt::format("cgroup \"{}\"", name_));
        });
    }

    void destroy() override {
        with_context(fmt::format("destroy cgroup \"{}\"", name_), [&] {
            kill_all();
            std::optional<Error> first;
            auto remove = [&](const fs::path& dir) {
                try {
                    cg::remove_dir(dir, 2s);
                } catch (const Error& e) {
                    if (!first) first = e;
                }
            };
            for (const auto& dir : paths_.dirs) remove(dir);
            if (paths_.unified) remove(*paths_.unified);
            if (first) throw *first;
        });
    }

private:
    std::optional<fs::path> find(const char* controller) const {
        auto it = paths_.by_controller.find(controller);
        if (it == paths_.by_controller.end()) return std::nullopt;
        return it->second;
    }

    const fs::path& need(const char* controller, const char* what) const {
        auto it = paths_.by_controller.find(controller);
        if (it == paths_.by_controller.end())
            throw Error(fmt::format("{} need the v1 \"{}\" controller, which is not mounted", what,
                                    controller));
        return it->second;
    }

    static void set_memory(const fs::path& dir, const Resources& r) {
        const std::string limit = std::to_string(*r.memory_limit);
        if (!r.memory_swap_limit) return cg::write(dir / "memory.limit_in_bytes", limit);
        const fs::path memsw = dir / "memory.memsw.limit_in_bytes";
        if (!fs::exists(memsw))
            throw Error(
                "memswap_limit needs swap accounting: memory.memsw.limit_in_bytes is "
                "missing");
        const std::string swap = std::to_string(*r.memory_swap_limit);
        // The kernel keeps limit <= memsw at every step: the order depends on the old values.
        try {
            cg::write(dir / "memory.limit_in_bytes", limit);
            cg::write(memsw, swap);
        } catch (const SysError& e) {
            if (e.code().value() != EINVAL) throw;
            cg::write(memsw, swap);
            cg::write(dir / "memory.limit_in_bytes", limit);
        }
    }

    // FREEZING can take a moment (tasks in uninterruptible sleep): wait for the final state.
    static void set_v1_freezer(const fs::path& dir, bool frozen) {
        const char* target = frozen ? "FROZEN" : "THAWED";
        cg::write(dir / "freezer.state", target);
        auto deadline = std::chrono::steady_clock::now() + 5s;
        auto pause = std::chrono::microseconds(100);
        for (;;) {
            auto state = cg::read(dir / "freezer.state");
            if (state && *state == target) return;
            if (std::chrono::steady_clock::now() >= deadline)
                throw Error(fmt::format("freezer.state stayed \"{}\" instead of {} for 5 s",
                                        state.value_or("?"), target));
            std::this_thread::sleep_for(pause);
            pause = std::min<std::chrono::microseconds>(pause * 2, 10ms);
            if (frozen) cg::write(dir / "freezer.state", target);  // retry, as runc does
        }
    }

    std::string name_;
    V1Paths paths_;
    UniqueFd unified_fd_;
};

class V1Manager final : public CgroupManager {
public:
    V1Manager(CgroupLayout layout, std::string parent)
        : layout_(std::move(layout)), parent_(std::move(parent)) {}

    std::unique_ptr<Cgroup> create(const std::string& name) override {
        return with_context(fmt::format("create cgroup \"{}\"", name), [&] {
            check_cgroup_name(name);
            std::vector<fs::path> made;
            ScopeExit undo([&] {
                for (auto it = made.rbegin(); it != made.rend(); ++it) ::rmdir(it->c_str());
            });
            const bool has_cpuset = layout_.v1.count("cpuset") > 0;
            const fs::path cpuset_root = has_cpuset ? layout_.v1.at("cpuset") : fs::path();
            for (const auto& top : hierarchies()) {
                fs::path cur = top;
                for (const auto& part : fs::path(parent_)) {
                    cur /= part;
                    cg::make_dir(cur);
                    if (has_cpuset && top == cpuset_root) copy_cpuset_from_parent(cur);
                }
                fs::path dir = cur / name;
                if (cg::make_dir(dir)) made.push_back(dir);
                if (has_cpuset && top == cpuset_root) copy_cpuset_from_parent(dir);
            }
            auto cgroup = std::make_unique<V1Cgroup>(name, paths_for(layout_, rel(name)));
            undo.dismiss();
            return std::unique_ptr<Cgroup>(std::move(cgroup));
        });
    }

    std::unique_ptr<Cgroup> open(const std::string& name) override {
        return with_context(fmt::format("open cgroup \"{}\"", name), [&] {
            check_cgroup_name(name);
            if (!exists(name))
                throw Error(fmt::format("no cgroup \"{}\" under \"{}\"", name, parent_));
            return std::unique_ptr<Cgroup>(
                std::make_unique<V1Cgroup>(name, paths_for(layout_, rel(name))));
        });
    }

    bool exists(const std::string& name) const override {
        for (const auto& top : hierarchies())
            if (fs::is_directory(top / rel(name))) return true;
        return false;
    }

    std::vector<std::string> list() const override {
        std::set<std::string> names;
        for (const auto& top : hierarchies()) {
            std::error_code ec;
            for (fs::directory_iterator it(top / parent_, ec), end; !ec && it != end;
                 it.increment(ec)) {
                if (it->is_directory()) names.insert(it->path().filename().string());
            }
        }
        return {names.begin(), names.end()};
    }

    void remove_parent_if_empty() noexcept override {
        for (const auto& top : hierarchies()) {
            for (fs::path p = parent_; !p.empty() && p != p.root_path(); p = p.parent_path())
                if (::rmdir((top / p).c_str()) != 0 && errno != ENOENT) break;
        }
    }

    const char* backend_name() const override { return layout_.unified ? "hybrid" : "v1"; }

private:
    fs::path rel(const std::string& name) const { return fs::path(parent_) / name; }

    // Every hierarchy root a container gets a directory in (used v1 ones, then unified).
    std::vector<fs::path> hierarchies() const {
        std::vector<fs::path> tops;
        for (const char* c : kUsedControllers) {
            auto it = layout_.v1.find(c);
            if (it != layout_.v1.end() &&
                std::find(tops.begin(), tops.end(), it->second) == tops.end())
                tops.push_back(it->second);
        }
        if (layout_.unified) tops.push_back(*layout_.unified);
        return tops;
    }

    CgroupLayout layout_;
    std::string parent_;
};

}  // namespace

std::unique_ptr<CgroupManager> make_v1_cgroup_manager(const CgroupLayout& layout,
                                                      const std::string& parent) {
    return std::make_unique<V1Manager>(layout, parent);
}

}  // namespace stk::runtime
