// The progress display of long operations: exact bytes for a fake terminal and plain output.
#include "orchestrator/cli/output/progress_renderer.hpp"

#include <catch2/catch.hpp>
#include <sstream>

using namespace stk::cli::output;
using namespace std::chrono_literals;

namespace {

// A clock the test moves by hand.
struct FakeClock {
    std::chrono::steady_clock::time_point now{};
    ProgressClock fn() {
        return [this] { return now; };
    }
};

const std::string kEl = "\x1b[2K\r";
const std::string kG = "\x1b[32m", kB = "\x1b[34m", kR = "\x1b[31m", kX = "\x1b[0m";

}  // namespace

TEST_CASE("progress: lines parse into events, other lines stay messages") {
    auto e = parse_progress_line(" Container p-db-1  Healthy");
    REQUIRE(e);
    CHECK(e->kind == "Container");
    CHECK(e->name == "p-db-1");
    CHECK(e->state == "Healthy");
    CHECK(e->detail.empty());
    auto s = parse_progress_line("Service web  Skipped: dependency db failed");
    REQUIRE(s);
    CHECK(s->state == "Skipped");
    CHECK(s->detail == "dependency db failed");
    CHECK(progress_line(*s) == "Service web  Skipped: dependency db failed");
    CHECK_FALSE(parse_progress_line("Warning: optional dependency x failed: boom"));
    CHECK_FALSE(parse_progress_line("Container p-db-1 Started"));  // one space: not ours
    CHECK_FALSE(parse_progress_line(""));
}

TEST_CASE("progress: --progress and --ansi choose the display") {
    CHECK(progress_mode("auto", "auto", true) == ProgressMode::Tty);
    CHECK(progress_mode("auto", "auto", false) == ProgressMode::Plain);
    CHECK(progress_mode("tty", "auto", false) == ProgressMode::Tty);
    CHECK(progress_mode("tty", "never", true) == ProgressMode::Plain);
    CHECK(progress_mode("auto", "always", false) == ProgressMode::Tty);
    CHECK(progress_mode("plain", "always", true) == ProgressMode::Plain);
    CHECK(progress_mode("quiet", "always", true) == ProgressMode::Quiet);
}

TEST_CASE("progress: plain output is one line per change of state") {
    std::ostringstream out;
    auto r = plain_renderer(out);
    r->line("Container p-db-1  Creating");
    r->line("Container p-db-1  Created");
    r->line("Container p-db-1  Created");  // a repeat (the final report) prints nothing
    r->line("Warning: optional dependency x failed");
    r->event({"Container", "p-db-1", "Error", "exec failed"});
    r->finish();
    CHECK(out.str() ==
          " Container p-db-1  Creating\n"
          " Container p-db-1  Created\n"
          " Warning: optional dependency x failed\n"
          " Container p-db-1  Error: exec failed\n");
}

TEST_CASE("progress: a terminal gets the lines rewritten in place with elapsed times") {
    std::ostringstream out;
    FakeClock clock;
    auto r = tty_renderer(out, clock.fn());
    r->event({"Network", "p_default", "Created", ""});
    std::string frame1 = kEl + kB + "[+] Running 1/1" + kX + "\n" + kEl + " " + kG + "✔" + kX +
                         " Network p_default  " + kG + "Created" + kX + "  0.0s\n";
    CHECK(out.str() == frame1);

    clock.now += 300ms;
    r->event({"Container", "p-db-1", "Starting", ""});
    std::string frame2 = "\x1b[2A" + kEl + kB + "[+] Running 1/2" + kX + "\n" + kEl + " " + kG +
                         "✔" + kX + " Network p_default  " + kG + "Created" + kX + "  0.0s\n" +
                         kEl + " " + kB + "⠿" + kX + " Container p-db-1   " + kB + "Starting" + kX +
                         "  0.0s\n";
    CHECK(out.str() == frame1 + frame2);

    clock.now += 1200ms;
    r->event({"Container", "p-db-1", "Starting", ""});  // no change: no redraw
    CHECK(out.str() == frame1 + frame2);
    r->event({"Container", "p-db-1", "Healthy", ""});
    std::string frame3 = "\x1b[3A" + kEl + kB + "[+] Running 2/2" + kX + "\n" + kEl + " " + kG +
                         "✔" + kX + " Network p_default  " + kG + "Created" + kX + "  0.0s\n" +
                         kEl + " " + kG + "✔" + kX + " Container p-db-1   " + kG + "Healthy" + kX +
                         "  1.2s\n";
    CHECK(out.str() == frame1 + frame2 + frame3);

    r->message("Warning: something");
    clock.now += 5s;
    r->finish();  // redraws once more (times of settled rows do not move), then the messages
    CHECK(out.str() == frame1 + frame2 + frame3 + frame3 + " Warning: something\n");
}

TEST_CASE("progress: an error is marked red and counted in the header") {
    std::ostringstream out;
    FakeClock clock;
    auto r = tty_renderer(out, clock.fn());
    r->event({"Container", "p-web-1", "Error", "exit 1"});
    CHECK(out.str() == kEl + kR + "[+] Running 1/1" + kX + "\n" + kEl + " " + kR + "✘" + kX +
                           " Container p-web-1  " + kR + "Error: exit 1" + kX + "  0.0s\n");
}
