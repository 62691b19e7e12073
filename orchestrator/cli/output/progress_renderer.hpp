#pragma once
// How long operations (up, down, start, stop, restart) show their progress: on a terminal a
// line per object rewritten in place (docker compose v2's `✔ Container p-db-1  Healthy  1.2s`),
// otherwise one plain line per change of state, or nothing (--progress quiet). Event-driven:
// the output changes only when an event arrives.
#include <chrono>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "orchestrator/cli/output/progress_event.hpp"

namespace stk::cli {
struct GlobalOptions;
}

namespace stk::cli::output {

class ProgressRenderer {
public:
    virtual ~ProgressRenderer() = default;
    // An object changed state (a repeat of its current state is ignored).
    virtual void event(const ProgressEvent& e) = 0;
    // A line that is no event (a warning): shown as is.
    virtual void message(const std::string& text) = 0;
    // The operation is over: the final picture stays.
    virtual void finish() = 0;
    // An engine line: an event when it parses as one, else a message.
    void line(const std::string& text);
};

using ProgressClock = std::function<std::chrono::steady_clock::time_point()>;

std::unique_ptr<ProgressRenderer> quiet_renderer();
std::unique_ptr<ProgressRenderer> plain_renderer(std::ostream& out);
// ANSI colour and cursor movement; `clock` gives the elapsed times (tests pass a fake one).
std::unique_ptr<ProgressRenderer> tty_renderer(std::ostream& out, ProgressClock clock = {});

enum class ProgressMode { Quiet, Plain, Tty };
// --progress and --ansi, with whether the output is a terminal: `--ansi never` means plain,
// `--ansi always` a terminal display even when the output is not one.
ProgressMode progress_mode(const std::string& progress, const std::string& ansi, bool is_tty);

// The mode the global flags ask for, for stdout.
ProgressMode progress_mode(const GlobalOptions& g);
// The renderer the global flags ask for, writing to stdout.
std::unique_ptr<ProgressRenderer> make_progress_renderer(const GlobalOptions& g);

}  // namespace stk::cli::output
