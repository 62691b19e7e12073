#include "runtime/cgroup/cgroup_v2.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <sstream>

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

constexpr const char* kWantedControllers[] = {"cpu", "cpuset", "memory", "pids"};

std::set<std::string> words(const std::optional<std::string>& text) {
    std::set<std::string> out;
    if (!text) return out;
    std::istringstream in(*text);
    for (std::string w; in >> w;) out.insert(w);
    return out;
}

// Children of `dir` get the controllers stack uses, among those `dir` itself has.
void enable_controllers_below(const fs::path& dir) {
    auto available = words(cg::read(dir / "cgroup.controllers"));
    auto enabled = words(cg::read(dir / "cgroup.subtree_control"));
    std::string add;
    for (const char* c : kWantedControllers) {
        if (available.count(c) && !enabled.count(c))
            add += (add.empty() ? "+" : " +") + std::string(c);
    }
    if (!add.empty()) cg::write(dir / "cgroup.subtree_control", add);
}

class V2Cgroup final : public Cgroup {
public:
    V2Cgroup(std::string name, fs::path dir) : name_(std::move(name)), dir_(std::move(dir)) {
        fd_.reset(::open(dir_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!fd_) throw_errno(fmt::format("open \"{}\"", dir_.string()));
    }

    const std::string& name() const override { return name_; }

    void apply(const Resources& r) override {
        with_context(fmt::format("apply limits to cgroup \"{}\"", name_), [&] {
            check_memory(r);
            if (r.memory_limit)
                cg::write(dir_ / "memory.max",
                          *r.memory_limit == -1 ? "max" : std::to_string(*r.memory_limit));
            if (r.memory_swap_limit) {
                // v2 limits swap alone; compose's memswap_limit counts memory plus swap.
                std::string swap = *r.memory_swap_limit == -1
                                       ? "max"
                                       : std::to_string(*r.memory_swap_limit - *r.memory_limit);
                cg::write(dir_ / "memory.swap.max", swap);
            }
            if (r.memory_reservation)
                cg::write(dir_ / "memory.low", std::to_string(*r.memory_reservation));
            if (r.cpus) {
                int64_t quota = cpu_quota_us(*r.cpus, ::sysconf(_SC_NPROCESSORS_ONLN));
                cg::write(dir_ / "cpu.max", fmt::format("{} {}", quota, kCfsPeriodUs));
            }
            if (r.cpu_shares) {
                check_cpu_shares(*r.cpu_shares);
                cg::write(dir_ / "cpu.weight", std::to_string(cpu_shares_to_weight(*r.cpu_shares)));
            }
            if (r.cpuset_cpus) {
                check_cpuset_list(*r.cpuset_cpus, "cpuset");
                cg::write(dir_ / "cpuset.cpus", *r.cpuset_cpus);
            }
            if (r.cpuset_mems) {
                check_cpuset_list(*r.cpuset_mems, "cpuset mems");
                cg::write(dir_ / "cpuset.mems", *r.cpuset_mems);
            }
            if (r.pids_limit) {
                std::string value = pids_max_value(*r.pids_limit);
                cg::write(dir_ / "pids.max", value);
            }
        });
    }

    void add_process(pid_t pid) override {
        with_context(fmt::format("add process {} to cgroup \"{}\"", pid, name_),
                     [&] { cg::write(dir_ / "cgroup.procs", std::to_string(pid)); });
    }

    int clone_into_fd() const override { return fd_.get(); }
    std::vector<UniqueFd> open_self_join() const override { return {}; }

    void freeze(bool frozen) override {
        with_context(fmt::format("{} cgroup \"{}\"", frozen ? "freeze" : "thaw", name_), [&] {
            cg::write(dir_ / "cgroup.freeze", frozen ? "1" : "0");
            if (!cg::wait_for_event(dir_ / "cgroup.events", "frozen", frozen, 5s))
                throw Error("cgroup.events did not report the new state within 5 s");
        });
    }

    CgroupStats stats() const override {
        return with_context(fmt::format("read stats of cgroup \"{}\"", name_), [&] {
            CgroupStats s;
            s.memory_usage = cg::read_number(dir_ / "memory.current").value_or(0);
            s.memory_limit = cg::read_number(dir_ / "memory.max");
            s.cpu_usage_ns = cg::read_keyed(dir_ / "cpu.stat", "usage_usec").value_or(0) * 1000;
            auto current = cg::read_number(dir_ / "pids.current");
            s.pids = current ? *current : pids().size();
            s.oom_kills = cg::read_keyed(dir_ / "memory.events", "oom_kill").value_or(0);
            auto io = parse_io_stat(cg::read(dir_ / "io.stat").value_or(""));
            s.block_read_bytes = io.read_bytes;
            s.block_write_bytes = io.write_bytes;
            return s;
        });
    }

    std::vector<pid_t> pids() const override { return cg::read_procs(dir_ / "cgroup.procs"); }

    bool populated() const override {
        auto v = cg::read_keyed(dir_ / "cgroup.events", "populated");
        return v ? *v != 0 : !pids().empty();
    }

    void kill_all() override {
        with_context(fmt::format("kill cgroup \"{}\"", name_), [&] {
            if (fs::exists(dir_ / "cgroup.kill")) {
                cg::write(dir_ / "cgroup.kill", "1");
                cg::wait_for_event(dir_ / "cgroup.events", "populated", 0, 2s);
            }
            // Kernels before 5.14 have no cgroup.kill; a fork racing the kill is caught too.
            cg::kill_until_empty([this] { return pids(); }, 10s,
                                 fmt::format("cgroup \"{}\"", name_));
        });
    }

    void destroy() override {
        with_context(fmt::format("destroy cgroup \"{}\"", name_), [&] {
            kill_all();
            cg::remove_dir(dir_, 2s);
        });
    }

private:
    std::string name_;
    fs::path dir_;
    UniqueFd fd_;
};

class V2Manager final : public CgroupManager {
public:
    V2Manager(fs::path root, std::string parent)
        : root_(std::move(root)), parent_(std::move(parent)) {}

    std::unique_ptr<Cgroup> create(const std::string& name) override {
        return with_context(fmt::format("create cgroup \"{}\"", name), [&] {
            check_cgroup_name(name);
            fs::path cur = root_;
            for (const auto& part : fs::path(parent_)) {
                enable_controllers_below(cur);
                cur /= part;
                cg::make_dir(cur);
            }
            enable_controllers_below(cur);
            const fs::path dir = cur / name;
            bool made = cg::make_dir(dir);
            ScopeExit undo([&] {
                if (made) ::rmdir(dir.c_str());
            });
            auto cgroup = std::make_unique<V2Cgroup>(name, dir);
            undo.dismiss();
            return std::unique_ptr<Cgroup>(std::move(cgroup));
        });
    }

    std::unique_ptr<Cgroup> open(const std::string& name) override {
        return with_context(fmt::format("open cgroup \"{}\"", name), [&] {
            check_cgroup_name(name);
            if (!exists(name))
                throw Error(fmt::format("no cgroup \"{}\" under \"{}\"", name, parent_));
            return std::unique_ptr<Cgroup>(std::make_unique<V2Cgroup>(name, dir_of(name)));
        });
    }

    bool exists(const std::string& name) const override { return fs::is_directory(dir_of(name)); }

    std::vector<std::string> list() const override {
        std::vector<std::string> names;
        std::error_code ec;
        for (fs::directory_iterator it(root_ / parent_, ec), end; !ec && it != end;
             it.increment(ec)) {
            if (it->is_directory()) names.push_back(it->path().filename().string());
        }
        std::sort(names.begin(), names.end());
        return names;
    }

    void remove_parent_if_empty() noexcept override {
        for (fs::path p = parent_; !p.empty() && p != p.root_path(); p = p.parent_path())
            if (::rmdir((root_ / p).c_str()) != 0 && errno != ENOENT) break;
    }

    const char* backend_name() const override { return "v2"; }

private:
    fs::path dir_of(const std::string& name) const { return root_ / parent_ / name; }

    fs::path root_;
    std::string parent_;
};

}  // namespace

std::unique_ptr<CgroupManager> make_v2_cgroup_manager(const fs::path& root,
                                                      const std::string& parent) {
    return std::make_unique<V2Manager>(root, parent);
}

}  // namespace stk::runtime
