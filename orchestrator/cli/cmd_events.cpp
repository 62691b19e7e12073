// `stack events [SERVICE...]`: the project's container events as they happen (create, start,
// die with exitCode, oom, restart, health_status, stop, kill, pause, unpause, destroy), read
// from the supervisor's events.jsonl and followed with inotify. Ends on Ctrl-C or when the
// project goes down.
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "orchestrator/cli/commands.hpp"
#include "orchestrator/cli/global_options.hpp"
#include "orchestrator/cli/output/project_target.hpp"
#include "orchestrator/cli/project_client.hpp"
#include "orchestrator/engine/event_log.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::cli {
namespace {

struct EventsFlags {
    bool json = false;
    std::vector<std::string> services;
};

// Prints the complete lines of `file` from `offset` on; returns the new offset.
std::streamoff print_new(const std::filesystem::path& file, std::streamoff offset, const EventsFlags& f) {
    std::ifstream in(file);
    if (!in) return offset;
    in.seekg(0, std::ios::end);
    if (in.tellg() < offset) offset = 0;  // rotated
    in.seekg(offset);
    for (std::string line; std::getline(in, line);) {
        if (in.eof()) break;  // a line still being written (no newline yet)
        offset = in.tellg();
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(line);
        } catch (const std::exception&) {
            continue;
        }
        engine::Event e = engine::event_from_json(j);
        if (!f.services.empty() &&
            std::find(f.services.begin(), f.services.end(), e.service) == f.services.end())
            continue;
        std::cout << (f.json ? j.dump() : engine::format_event(e)) << '\n';
    }
    std::cout.flush();
    return offset;
}

int run_events(const GlobalOptions& g, const EventsFlags& f) {
    const std::string project = output::target_project(g);
    require_state(project);
    auto file = engine::events_file(project);
    auto dir = file.parent_path();
    UniqueFd ino(::inotify_init1(IN_CLOEXEC));
    if (!ino) throw_errno("inotify_init1");
    if (::inotify_add_watch(ino.get(), dir.c_str(), IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF) < 0)
        throw_errno(fmt::format("watch \"{}\"", dir.string()));
    std::error_code ec;
    std::streamoff offset = static_cast<std::streamoff>(std::filesystem::file_size(file, ec));
    if (ec) offset = 0;
    for (;;) {
        pollfd p{ino.get(), POLLIN, 0};
        if (::poll(&p, 1, -1) < 0) {
            if (errno == EINTR) continue;
            throw_errno("poll inotify");
        }
        alignas(inotify_event) char buf[4096];
        ssize_t n = ::read(ino.get(), buf, sizeof buf);
        bool gone = false;
        for (ssize_t i = 0; i < n;) {
            auto* ev = reinterpret_cast<inotify_event*>(buf + i);
            if (ev->mask & (IN_DELETE_SELF | IN_IGNORED)) gone = true;
            i += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
        }
        offset = print_new(file, offset, f);
        if (gone) return 0;  // `down` removed the project's directory
    }
}

}  // namespace

void register_events(CLI::App& app, CommandContext& ctx) {
    auto f = std::make_shared<EventsFlags>();
    auto* cmd = app.add_subcommand("events", "Stream the containers' events");
    cmd->add_flag("--json", f->json, "One JSON object per line");
    cmd->add_option("services", f->services, "Services (default: all)");
    cmd->callback([&ctx, f] { ctx.exit_code = run_events(ctx.global, *f); });
}

}  // namespace stk::cli
