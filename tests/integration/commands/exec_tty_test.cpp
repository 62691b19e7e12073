// An interactive `stack exec` through a real pseudo-terminal driven by tmux (a private tmux
// server per test, killed at the end): Ctrl-C stops the inner command only, a resize of the
// terminal reaches the inner shell, and the exit code comes back.
#include <catch2/catch.hpp>

#include <cstdio>

#include "tests/integration/commands/commands_support.hpp"

using e2e::eventually;
using e2e::Project;
using namespace std::chrono_literals;

namespace {

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string run_capture(const std::string& cmd) {
    std::string out;
    FILE* f = ::popen(cmd.c_str(), "r");
    if (!f) return out;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
    ::pclose(f);
    return out;
}

// A tmux server of our own (socket named after the project) with one session.
struct Tmux {
    std::string sock;
    ~Tmux() { run_capture("tmux -L " + sock + " kill-server 2>/dev/null"); }
    std::string tmux(const std::string& args) const {
        return run_capture("tmux -L " + sock + " " + args + " 2>&1");
    }
    std::string screen() const { return tmux("capture-pane -p -t " + sock); }
    void keys(const std::string& k) const { tmux("send-keys -t " + sock + " " + k); }
};

}  // namespace

TEST_CASE("interactive exec through tmux: Ctrl-C reaches the inner command only and resize and exit code work") {
    Project p(R"yaml(
services:
  web:
    command: ["sleep", "1000"]
    x-stack: {rootfs: host}
)yaml");
    REQUIRE(p.run({"up", "-d"}).code == 0);
    std::string cmd = "env STACK_RUN_ROOT=" + (p.dir / "run").string() +
                      " STACK_DATA_ROOT=" + (p.dir / "data").string() +
                      " STACK_CGROUP_PARENT=" + p.name + " PS1='stk# '";
    for (const auto& a : p.argv({"exec", "web", "sh"})) cmd += " " + shell_quote(a);
    cmd += "; echo EXITED-$?; sleep 1000";
    Tmux t{"stk" + p.name};
    t.tmux("new-session -d -s " + t.sock + " -x 80 -y 24 " + shell_quote(cmd));
    // The shell's prompt (capture-pane drops the space after "#").
    REQUIRE(eventually([&] { return t.screen().rfind("#", 0) == 0; }));

    t.keys("'echo inside-$((20+1))' Enter");
    REQUIRE(eventually([&] { return t.screen().find("inside-21") != std::string::npos; }));
    t.keys("'sleep 1000' Enter");
    std::this_thread::sleep_for(300ms);
    t.keys("C-c");
    // The sleep is gone (the next command runs at once) and the shell and exec carry on.
    t.keys("'echo alive-$((40+2))' Enter");
    REQUIRE(eventually([&] { return t.screen().find("alive-42") != std::string::npos; }, 5s));
    CHECK(t.screen().find("^C") != std::string::npos);
    CHECK(t.screen().find("EXITED-") == std::string::npos);

    t.keys("'stty size' Enter");
    REQUIRE(eventually([&] { return t.screen().find("24 80") != std::string::npos; }));
    t.tmux("resize-window -t " + t.sock + " -x 100 -y 30");
    t.keys("clear Enter");
    t.keys("'stty size' Enter");
    CHECK(eventually([&] { return t.screen().find("30 100") != std::string::npos; }));

    t.keys("'exit 3' Enter");
    CHECK(eventually([&] { return t.screen().find("EXITED-3") != std::string::npos; }));
}
