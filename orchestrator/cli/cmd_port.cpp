// `stack port SERVICE PRIVATE_PORT`: the host address a container port is published on, from
// the project's state.
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "orchestrator/cli/commands.hpp"
#include "orchestrator/cli/global_options.hpp"
#include "orchestrator/cli/output/project_target.hpp"
#include "orchestrator/cli/project_client.hpp"
#include "runtime/sys/error.hpp"

namespace stk::cli {
namespace {

struct PortFlags {
    std::string service;
    int port = 0;
    std::string protocol = "tcp";
    int index = 1;
};

int run_port(const GlobalOptions& g, const PortFlags& f) {
    auto rec = service_container(require_state(output::target_project(g)), f.service, f.index);
    for (const auto& p : rec.ports)
        if (p.container_port == f.port && p.protocol == f.protocol) {
            std::cout << p.host_ip << ':' << p.host_port << '\n';
            return 0;
        }
    throw Error(fmt::format("no port {}/{} published for container {}", f.port, f.protocol, rec.name));
}

}  // namespace

void register_port(CLI::App& app, CommandContext& ctx) {
    auto f = std::make_shared<PortFlags>();
    auto* cmd = app.add_subcommand("port", "Print the public address of a container port");
    cmd->add_option("--protocol", f->protocol, "tcp or udp")->check(CLI::IsMember({"tcp", "udp"}));
    cmd->add_option("--index", f->index, "Replica (from 1)")->check(CLI::PositiveNumber);
    cmd->add_option("service", f->service, "Service")->required();
    cmd->add_option("private_port", f->port, "Container port")->required()->check(CLI::Range(1, 65535));
    cmd->callback([&ctx, f] { ctx.exit_code = run_port(ctx.global, *f); });
}

}  // namespace stk::cli
