// `stack top [SERVICE...]`: the processes of each running container, read from its cgroup and
// /proc (no supervisor needed).
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "orchestrator/cli/commands.hpp"
#include "orchestrator/cli/global_options.hpp"
#include "orchestrator/cli/output/project_target.hpp"
#include "orchestrator/cli/output/table.hpp"
#include "orchestrator/cli/project_client.hpp"
#include "runtime/cgroup/cgroup_manager.hpp"
#include "runtime/container.hpp"

namespace stk::cli {
namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// UID, PID, PPID, TIME and CMD of one host pid; empty when it is gone.
std::vector<std::string> process_row(pid_t pid) {
    std::string base = "/proc/" + std::to_string(pid);
    std::string stat = read_text(base + "/stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos) return {};
    std::istringstream rest(stat.substr(close + 2));
    std::vector<std::string> f;
    for (std::string w; rest >> w;) f.push_back(w);
    if (f.size() < 13) return {};
    // Fields after the name: state(0) ppid(1) ... utime(11) stime(12).
    long ticks = ::sysconf(_SC_CLK_TCK);
    uint64_t secs = (std::stoull(f[11]) + std::stoull(f[12])) / static_cast<uint64_t>(ticks);
    std::string uid = "?";
    std::istringstream status(read_text(base + "/status"));
    for (std::string line; std::getline(status, line);)
        if (line.rfind("Uid:", 0) == 0) {
            std::istringstream u(line.substr(4));
            u >> uid;
        }
    std::string cmdline = read_text(base + "/cmdline");
    for (auto& c : cmdline)
        if (c == '\0') c = ' ';
    while (!cmdline.empty() && cmdline.back() == ' ') cmdline.pop_back();
    if (cmdline.empty()) cmdline = "[" + stat.substr(stat.find('(') + 1, close - stat.find('(') - 1) + "]";
    return {uid, std::to_string(pid), f[1],
            fmt::format("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60), cmdline};
}

int run_top(const GlobalOptions& g, const std::vector<std::string>& services) {
    auto st = require_state(output::target_project(g));
    auto cgroups = runtime::make_cgroup_manager();
    bool first = true;
    for (const auto& c : running_containers(st, services)) {
        output::Table table({"UID", "PID", "PPID", "TIME", "CMD"});
        for (pid_t pid : cgroups->open(c.cgroup)->pids())
            if (auto row = process_row(pid); !row.empty()) table.add_row(row);
        std::cout << (first ? "" : "\n") << c.name << '\n' << table.render();
        first = false;
    }
    return 0;
}

}  // namespace

void register_top(CLI::App& app, CommandContext& ctx) {
    auto services = std::make_shared<std::vector<std::string>>();
    auto* cmd = app.add_subcommand("top", "Show the processes of the running containers");
    cmd->add_option("services", *services, "Services (default: all)");
    cmd->callback([&ctx, services] { ctx.exit_code = run_top(ctx.global, *services); });
}

}  // namespace stk::cli
