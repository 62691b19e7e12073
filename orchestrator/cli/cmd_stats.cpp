// `stack stats [SERVICE...]`: memory, CPU %, block I/O and pids of each running container, from
// its cgroup through the runtime's one interface (v1 or v2), and its network I/O from its
// namespace. CPU % is the cgroup's CPU time over the wall time between two samples (100% = one
// core), as docker computes it.
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "orchestrator/cli/commands.hpp"
#include "orchestrator/cli/container_net_io.hpp"
#include "orchestrator/cli/global_options.hpp"
#include "orchestrator/cli/output/project_target.hpp"
#include "orchestrator/cli/output/table.hpp"
#include "orchestrator/cli/project_client.hpp"
#include "runtime/cgroup/cgroup_manager.hpp"
#include "runtime/container.hpp"

namespace stk::cli {
namespace {

struct StatsFlags {
    bool no_stream = false;
    std::string format = "table";
    std::vector<std::string> services;
};

struct Sample {
    std::string name;
    runtime::CgroupStats stats;
    NetIo net;
    std::chrono::steady_clock::time_point at;
};

std::string human_bytes(uint64_t b) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(b);
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    return u == 0 ? fmt::format("{}B", b) : fmt::format("{:.2f}{}", v, units[u]);
}

std::vector<Sample> sample(const std::string& project, const std::vector<std::string>& services) {
    auto st = require_state(project);
    auto cgroups = runtime::make_cgroup_manager();
    std::vector<Sample> out;
    for (const auto& c : running_containers(st, services)) {
        try {
            out.push_back({c.name, cgroups->open(c.cgroup)->stats(), read_net_io(c.pid),
                           std::chrono::steady_clock::now()});
        } catch (const std::exception&) {
            // Exited between the two reads: not shown.
        }
    }
    return out;
}

void print(const std::vector<Sample>& before, const std::vector<Sample>& now, const StatsFlags& f) {
    std::map<std::string, const Sample*> prev;
    for (const auto& s : before) prev[s.name] = &s;
    const uint64_t host_mem =
        static_cast<uint64_t>(::sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    output::Table table({"NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O", "BLOCK I/O", "PIDS"});
    for (const auto& s : now) {
        double cpu = 0;
        if (auto it = prev.find(s.name); it != prev.end()) {
            auto wall = std::chrono::duration_cast<std::chrono::nanoseconds>(s.at - it->second->at).count();
            if (wall > 0 && s.stats.cpu_usage_ns >= it->second->stats.cpu_usage_ns)
                cpu = 100.0 * static_cast<double>(s.stats.cpu_usage_ns - it->second->stats.cpu_usage_ns) /
                      static_cast<double>(wall);
        }
        uint64_t limit = s.stats.memory_limit.value_or(host_mem);
        if (limit > host_mem) limit = host_mem;
        double mem_pct = limit ? 100.0 * static_cast<double>(s.stats.memory_usage) / static_cast<double>(limit) : 0;
        std::string cpu_text = fmt::format("{:.2f}%", cpu);
        std::string mem_text = human_bytes(s.stats.memory_usage) + " / " + human_bytes(limit);
        std::string mem_pct_text = fmt::format("{:.2f}%", mem_pct);
        auto in_out = [](uint64_t in, uint64_t out) {
            return output::human_size(in) + " / " + output::human_size(out);
        };
        std::string net_text = in_out(s.net.rx_bytes, s.net.tx_bytes);
        std::string block_text = in_out(s.stats.block_read_bytes, s.stats.block_write_bytes);
        if (f.format == "json") {
            nlohmann::json j{{"Name", s.name}, {"Container", s.name}, {"CPUPerc", cpu_text},
                             {"MemUsage", mem_text}, {"MemPerc", mem_pct_text},
                             {"MemUsageBytes", s.stats.memory_usage}, {"MemLimitBytes", limit},
                             {"CPUUsageNs", s.stats.cpu_usage_ns}, {"PIDs", std::to_string(s.stats.pids)},
                             {"NetIO", net_text}, {"BlockIO", block_text},
                             {"NetRxBytes", s.net.rx_bytes}, {"NetTxBytes", s.net.tx_bytes},
                             {"BlockReadBytes", s.stats.block_read_bytes},
                             {"BlockWriteBytes", s.stats.block_write_bytes}};
            std::cout << j.dump() << '\n';
        } else {
            table.add_row({s.name, cpu_text, mem_text, mem_pct_text, net_text, block_text,
                           std::to_string(s.stats.pids)});
        }
    }
    if (f.format != "json") std::cout << table.render();
    std::cout.flush();
}

int run_stats(const GlobalOptions& g, const StatsFlags& f) {
    const std::string project = output::target_project(g);
    auto before = sample(project, f.services);
    const bool tty = ::isatty(1) && f.format != "json";
    for (;;) {
        std::this_thread::sleep_for(f.no_stream ? std::chrono::milliseconds(500) : std::chrono::seconds(1));
        auto now = sample(project, f.services);
        if (tty && !f.no_stream) std::cout << "\x1b[2J\x1b[H";
        print(before, now, f);
        if (f.no_stream) return 0;
        before = std::move(now);
    }
}

}  // namespace

void register_stats(CLI::App& app, CommandContext& ctx) {
    auto f = std::make_shared<StatsFlags>();
    auto* cmd = app.add_subcommand("stats", "Live CPU, memory, network and block I/O and pids of "
                                            "the running containers");
    cmd->add_flag("--no-stream", f->no_stream, "Print one sample and exit");
    cmd->add_option("--format", f->format, "table or json (one object per line)")
        ->check(CLI::IsMember({"table", "json"}));
    cmd->add_option("services", f->services, "Services (default: all)");
    cmd->callback([&ctx, f] { ctx.exit_code = run_stats(ctx.global, *f); });
}

}  // namespace stk::cli
