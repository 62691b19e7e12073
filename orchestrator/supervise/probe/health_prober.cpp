#include "orchestrator/supervise/probe/health_prober.hpp"

#include "runtime/sys/error.hpp"

namespace stk::supervise {

std::vector<std::string> exec_probe_argv(const HealthTest& test) {
    switch (test.kind) {
        case HealthTestKind::Cmd:
            if (test.command.empty()) throw Error("healthcheck CMD has no command");
            return test.command;
        case HealthTestKind::CmdShell: {
            if (test.command.empty()) throw Error("healthcheck CMD-SHELL has no command");
            std::string script;
            for (const auto& part : test.command) script += (script.empty() ? "" : " ") + part;
            return {"/bin/sh", "-c", script};
        }
        default:
            throw Error("healthcheck test is not an exec probe");
    }
}

HealthProber::HealthProber(IoContext& io, HealthTest test, int netns_fd, ExecProbeRunner* exec)
    : io_(io), test_(std::move(test)), netns_fd_(netns_fd), exec_(exec) {
    switch (test_.kind) {
        case HealthTestKind::None:
            throw Error("health prober: the healthcheck is disabled");
        case HealthTestKind::Cmd:
        case HealthTestKind::CmdShell:
            if (!exec_) throw Error("health prober: an exec probe needs an exec runner");
            argv_ = exec_probe_argv(test_);
            break;
        case HealthTestKind::Tcp:
        case HealthTestKind::Http:
            if (test_.port == 0) throw Error("health prober: native probe without a port");
            break;
    }
}

void HealthProber::probe(Duration timeout, ProbeCallback done) {
    NativeProbeTarget target{netns_fd_, test_.host, test_.port};
    switch (test_.kind) {
        case HealthTestKind::Tcp:
            return run_tcp_probe(io_, target, timeout, std::move(done));
        case HealthTestKind::Http:
            return run_http_probe(io_, target, test_.path, timeout, std::move(done));
        case HealthTestKind::Cmd:
        case HealthTestKind::CmdShell:
            return exec_->run(argv_, timeout, std::move(done));
        case HealthTestKind::None:
            break;
    }
}

}  // namespace stk::supervise
