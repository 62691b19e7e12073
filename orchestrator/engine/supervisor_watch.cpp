// The supervisor's side of live editing: restarting services in place (develop.watch
// `restart`, the `restart` control request) and hosting a watch session on its own loop for
// `stack up --watch` (orchestrator/watch).
#include <fmt/format.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "orchestrator/engine/supervisor_impl.hpp"
#include "orchestrator/plan/observe.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/log.hpp"

namespace stk::engine {
namespace asio = boost::asio;

namespace {

// The in-process target: calls the supervisor directly, on its loop.
class LocalTarget : public watch::WatchTarget {
public:
    explicit LocalTarget(Supervisor::Impl& s) : s_(s) {}

    plan::Observed observe() override {
        plan::Observed o;
        o.state = s_.snapshot();
        o.alive = plan::live_containers(*o.state);
        return o;
    }

    void converge(const load::LoadOptions&, load::LoadedProject loaded, const UpOptions& up,
                  watch::StepDone done) override {
        s_.converge_to(std::move(loaded), up, [done](const ReadyReport& r) {
            done(watch::StepResult{r.ok, r.error, r.lines});
        });
    }

    void restart(const std::string& service, watch::StepDone done) override {
        s_.restart_services({service}, std::nullopt, [done](const ReadyReport& r) {
            done(watch::StepResult{r.ok, r.error, r.lines});
        });
    }

    std::vector<std::pair<std::string, pid_t>> running(const std::string& service) override {
        std::vector<std::pair<std::string, pid_t>> out;
        auto it = s_.services.find(service);
        if (it == s_.services.end()) return out;
        for (const auto& in : it->second->instances)
            if (in->running() && in->pid > 0) out.emplace_back(in->name, in->pid);
        return out;
    }

private:
    Supervisor::Impl& s_;
};

}  // namespace

void Supervisor::Impl::restart_services(const std::vector<std::string>& names,
                                        std::optional<std::chrono::milliseconds> timeout,
                                        std::function<void(const ReadyReport&)> done) {
    if (shutting_down) return done(ReadyReport{false, "the project is stopping", {}});
    std::vector<Instance*> targets;
    for (const auto& name : names) {
        auto it = services.find(name);
        if (it == services.end()) return done(ReadyReport{false, "no such service: " + name, {}});
        for (auto& in : it->second->instances) targets.push_back(in.get());
    }
    auto left = std::make_shared<size_t>(targets.size() + 1);
    auto all_stopped = [this, targets, done, left]() {
        if (--*left != 0) return;
        // Deferred: this runs from the last container's exit handler.
        asio::post(io, [this, targets, done] {
            ReadyReport r;
            if (shutting_down) return done(ReadyReport{false, "the project is stopping", {}});
            for (Instance* in : targets) {
                in->stopping = false;
                in->restart->manual_start();
                try {
                    in->prepared = false;
                    in->container.reset();
                    runtime::reset_container(in->name);
                    create_container(*in);
                    start_container(*in);
                    r.lines.push_back(fmt::format("Container {}  Restarted", in->name));
                } catch (const std::exception& e) {
                    std::string msg =
                        fmt::format("restart container \"{}\": {}", in->name, e.what());
                    spdlog::error("{}", msg);
                    in->status = "exited";
                    save_state();
                    if (r.ok) r.error = msg;
                    r.ok = false;
                }
            }
            done(r);
        });
    };
    for (Instance* in : targets) stop_instance(*in, timeout, false, all_stopped);
    all_stopped();
}

void Supervisor::Impl::start_watch() {
    try {
        watch_target = std::make_unique<LocalTarget>(*this);
        watch::WatchSessionOptions wo;
        wo.load = opts.load;
        wo.up = opts.up;
        wo.print = [this](const std::string& line) { print_line(line); };
        watch_session = std::make_unique<watch::WatchSession>(io, wo, *watch_target, loaded);
        watch_session->start();
        print_line(fmt::format("watch: following {} file(s) of project {} (Ctrl-C stops)",
                               loaded.inputs.size(), loaded.project.name));
    } catch (const std::exception& e) {
        print_line(fmt::format("watch: cannot watch the files: {}", e.what()));
        watch_session.reset();
    }
}

}  // namespace stk::engine
