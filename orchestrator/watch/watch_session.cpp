#include "orchestrator/watch/watch_session.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <deque>

#include "orchestrator/engine/control_protocol.hpp"
#include "orchestrator/load/diagnostics.hpp"
#include "orchestrator/plan/reconcile.hpp"
#include "orchestrator/watch/container_sync.hpp"
#include "runtime/sys/error.hpp"

namespace stk::watch {
namespace fs = std::filesystem;
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

using Step = std::function<void(std::function<void()> next)>;

long long ms_since(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

plan::UpOptions save_plan_options(const engine::UpOptions& up) {
    plan::UpOptions po = up;
    po.force_recreate = false;  // --force-recreate applies to the first `up`, not to each save
    return po;
}

// Every file under `root` (or `root` itself when it is a file).
std::set<fs::path> files_under(const fs::path& root) {
    std::set<fs::path> out;
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
        if (fs::exists(root, ec)) out.insert(root);
        return out;
    }
    for (auto it = fs::recursive_directory_iterator(
             root, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (!it->is_directory(ec)) out.insert(it->path());
    return out;
}

}  // namespace

struct WatchSession::Impl : std::enable_shared_from_this<Impl> {
    Impl(asio::io_context& io, WatchSessionOptions o, WatchTarget& t,
         const load::LoadedProject& current)
        : io(io), opts(std::move(o)), target(t) {
        opts.up.remove_orphans = true;
        opts.up.force_recreate = false;
        adopt(current);
    }

    asio::io_context& io;
    WatchSessionOptions opts;
    WatchTarget& target;
    std::unique_ptr<FileWatcher> watcher;
    fs::path project_dir;
    std::set<fs::path> inputs;
    std::vector<DevelopRule> rules;
    bool busy = false;
    bool stopped = false;
    std::optional<ChangeBatch> queued;

    void print(const std::string& text) {
        size_t start = 0;
        while (start < text.size()) {
            size_t nl = text.find('\n', start);
            if (nl == std::string::npos) nl = text.size();
            opts.print(text.substr(start, nl - start));
            start = nl + 1;
        }
    }

    void adopt(const load::LoadedProject& p) {
        project_dir = p.project.working_dir;
        inputs = std::set<fs::path>(p.inputs.begin(), p.inputs.end());
        rules = develop_rules(p.project);
    }

    void rewatch() {
        WatchSet set;
        set.files.assign(inputs.begin(), inputs.end());
        for (const auto& r : rules) set.trees.push_back(r.path);
        watcher->watch(set);
    }

    std::string shown(const fs::path& p) const {
        fs::path rel = p.lexically_relative(project_dir);
        return rel.empty() || *rel.begin() == ".." ? p.string() : rel.string();
    }

    void start() {
        watcher = std::make_unique<FileWatcher>(io, opts.debounce,
                                                [weak = weak_from_this()](const ChangeBatch& b) {
                                                    if (auto self = weak.lock()) self->on_batch(b);
                                                });
        rewatch();
        std::vector<DevelopRule> initial;
        std::set<fs::path> files;
        for (const auto& r : rules)
            if (r.initial_sync && r.action != DevelopAction::Restart &&
                r.action != DevelopAction::Rebuild) {
                initial.push_back(r);
                auto more = files_under(r.path);
                files.insert(more.begin(), more.end());
            }
        if (initial.empty()) return;
        busy = true;
        auto steps = std::make_shared<std::deque<Step>>();
        for (auto& [service, work] : plan_develop(initial, files)) {
            work.restart = false;  // an initial sync only fills the container
            work.exec.clear();
            add_develop_steps(*steps, service, work, Clock::now());
        }
        run(steps);
    }

    void on_batch(const ChangeBatch& b) {
        if (busy) {
            if (!queued) queued = ChangeBatch{{}, false, b.first};
            queued->paths.insert(b.paths.begin(), b.paths.end());
            queued->overflow = queued->overflow || b.overflow;
            return;
        }
        process(b);
    }

    void process(const ChangeBatch& b) {
        busy = true;
        auto steps = std::make_shared<std::deque<Step>>();
        std::vector<std::string> names;
        bool reload = b.overflow;
        for (const auto& p : b.paths)
            if (inputs.count(p)) {
                reload = true;
                names.push_back(shown(p));
            }
        // The rules of the project that runs now decide what a source change means.
        auto work = plan_develop(rules, b.paths);
        // A rule's directory appeared or went away: watch what is there now.
        bool roots_changed = std::any_of(rules.begin(), rules.end(), [&](const DevelopRule& r) {
            return b.paths.count(r.path);
        });
        if (roots_changed && !reload)
            steps->push_back([this](std::function<void()> next) {
                try {
                    rewatch();
                } catch (const std::exception& e) {
                    print(fmt::format("watch: {}", e.what()));
                }
                next();
            });
        if (reload) {
            std::string what = names.empty() ? std::string("files (events were lost)")
                                             : fmt::format("{}", fmt::join(names, ", "));
            steps->push_back([this, what, first = b.first](std::function<void()> next) {
                print(fmt::format("watch: {} changed", what));
                reload_project(first, std::move(next));
            });
        }
        for (auto& [service, w] : work) add_develop_steps(*steps, service, w, b.first);
        run(steps);
    }

    void run(std::shared_ptr<std::deque<Step>> steps) {
        if (stopped) return;
        if (steps->empty()) {
            busy = false;
            if (queued) {
                ChangeBatch next = std::move(*queued);
                queued.reset();
                process(next);
            }
            return;
        }
        Step step = std::move(steps->front());
        steps->pop_front();
        auto self = shared_from_this();
        step([self, steps] { asio::post(self->io, [self, steps] { self->run(steps); }); });
    }

    void not_applied(const std::string& error) {
        print(error);
        print("watch: not applied: the stack keeps running as it was (fix the file and save)");
    }

    void reload_project(Clock::time_point first, std::function<void()> next) {
        const auto load_start = Clock::now();
        load::LoadedProject loaded;
        try {
            loaded = load::load_project(opts.load);
        } catch (const load::LoadError& e) {
            not_applied(e.what());
            return next();
        } catch (const std::exception& e) {
            not_applied(fmt::format("watch: load: {}", e.what()));
            return next();
        }
        for (const auto& w : loaded.warnings) print("warning: " + w.to_string());
        adopt(loaded);
        try {
            rewatch();
            plan::Plan p = plan::reconcile(loaded.project, loaded.graph, save_plan_options(opts.up),
                                           target.observe());
            print(p.to_string());
            if (p.unchanged()) {
                print("watch: nothing to change");
                return next();
            }
        } catch (const std::exception& e) {
            not_applied(fmt::format("watch: {}", e.what()));
            return next();
        }
        const auto converge_start = Clock::now();
        target.converge(
            opts.load, std::move(loaded), opts.up,
            [self = shared_from_this(), this, first, load_start, converge_start,
             next](StepResult r) {
                for (const auto& l : r.lines) print(" " + l);
                if (!r.ok) {
                    print(fmt::format("watch: converge failed: {}", r.error));
                } else {
                    auto span = [](Clock::time_point a, Clock::time_point b) {
                        return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
                    };
                    print(fmt::format(
                        "watch: converged in {} ms (save to converged: waiting {} ms, load and "
                        "plan {} ms, converge {} ms)",
                        ms_since(first), span(first, load_start), span(load_start, converge_start),
                        span(converge_start, Clock::now())));
                }
                next();
            });
    }

    void add_develop_steps(std::deque<Step>& steps, const std::string& service,
                           const ServiceWork& work, Clock::time_point first) {
        if (work.rebuild)
            steps.push_back([this, service](std::function<void()> next) {
                print(
                    fmt::format("watch: service {}: develop.watch action \"rebuild\" needs "
                                "`build:`, which stack does not support yet: nothing done",
                                service));
                next();
            });
        if (!work.sync.empty())
            steps.push_back([this, service, items = work.sync, first](std::function<void()> next) {
                sync_service(service, items, first);
                next();
            });
        if (!work.exec.empty())
            steps.push_back([this, service](std::function<void()> next) {
                print(
                    fmt::format("watch: service {}: the exec of \"sync+exec\" is not supported "
                                "yet (the files were synced)",
                                service));
                next();
            });
        if (work.restart)
            steps.push_back([this, service, first](std::function<void()> next) {
                print(fmt::format("watch: restarting service {}", service));
                target.restart(service, [self = shared_from_this(), this, service, first,
                                         next](StepResult r) {
                    for (const auto& l : r.lines) print(" " + l);
                    if (!r.ok)
                        print(fmt::format("watch: restart {} failed: {}", service, r.error));
                    else
                        print(fmt::format("watch: restarted service {} in {} ms (save to running)",
                                          service, ms_since(first)));
                    next();
                });
            });
    }

    void sync_service(const std::string& service, const std::vector<SyncItem>& items,
                      Clock::time_point first) {
        auto containers = target.running(service);
        if (containers.empty()) {
            print(
                fmt::format("watch: service {} has no running container: nothing synced", service));
            return;
        }
        for (const auto& [name, pid] : containers) {
            size_t done = 0;
            try {
                UniqueFd root = open_container_root(pid);
                for (const auto& item : items) {
                    std::error_code ec;
                    if (fs::is_directory(item.host, ec)) continue;  // its files come one by one
                    sync_path(root.get(), item.host, item.target);
                    ++done;
                }
                print(fmt::format("watch: synced {} file(s) into {} in {} ms (save to synced)",
                                  done, name, ms_since(first)));
            } catch (const std::exception& e) {
                print(fmt::format("watch: sync into {}: {}", name, e.what()));
            }
        }
    }
};

WatchSession::WatchSession(supervise::IoContext& io, WatchSessionOptions options,
                           WatchTarget& target, const load::LoadedProject& current)
    : impl_(std::make_shared<Impl>(io, std::move(options), target, current)) {}

WatchSession::~WatchSession() {
    impl_->stopped = true;  // a converge still in flight finishes without a next step
    impl_->watcher.reset();
}

void WatchSession::start() { impl_->start(); }

}  // namespace stk::watch
