// `stack container run -t` and `container exec -t` driven through a real pseudo-terminal: the
// command sees a terminal of the caller's size, typed text and control characters reach it
// through the line discipline, its output comes back, and its exit code is run's.
#include <catch2/catch.hpp>

#include "tests/integration/container/container_harness.hpp"
#include "tests/integration/container/terminal_driver.hpp"
#include "tests/support/busybox_rootfs.hpp"

using stk::test::BusyboxRootfs;
using stk::test::StackEnv;
using stk::test::TerminalDriver;

namespace {

constexpr winsize kSize{33, 111, 0, 0};

// Reports terminal facts, echoes one typed line, then waits for ^C and exits 5 on it.
const char* kScript =
    "[ -t 0 ] && [ -t 1 ] && echo stdio=tty; "
    "echo size=$(stty size); "
    "read line; echo got=[$line]; "
    "trap 'echo interrupted; exit 5' INT; echo waiting; "
    "while :; do sleep 0.1; done";

void check_session(TerminalDriver& term) {
    REQUIRE(term.expect("size="));
    CHECK(term.expect("stdio=tty"));
    CHECK(term.expect("size=33 111"));
    term.type("hello tty\r");
    CHECK(term.expect("got=[hello tty]"));
    REQUIRE(term.expect("waiting"));
    term.type("\x03");  // ^C: the container's terminal turns it into SIGINT
    CHECK(term.expect("interrupted"));
}

}  // namespace

TEST_CASE("container tty: run -t gives the command a terminal, input, ^C and exit code pass") {
    StackEnv env;
    BusyboxRootfs rootfs;
    TerminalDriver term(env,
                        {"container", "run", "--rm", "-t", "--rootfs", rootfs.path().string(),
                         "--name", env.name("tty"), "--", "sh", "-c", kScript},
                        kSize);
    check_session(term);
    int code = term.finish();
    INFO(term.output());
    CHECK(code == 5);
    CHECK(env.clean());
}

TEST_CASE("container tty: exec -t into a running container gets its own terminal") {
    StackEnv env;
    BusyboxRootfs rootfs;
    const std::string name = env.name("exec");
    auto started = env.stack({"container", "run", "-d", "--name", name, "--rootfs",
                              rootfs.path().string(), "--", "sleep", "60"});
    INFO(started.err);
    REQUIRE(started.code == 0);
    {
        TerminalDriver term(env, {"container", "exec", "-t", name, "--", "sh", "-c", kScript},
                            kSize);
        check_session(term);
        int code = term.finish();
        INFO(term.output());
        CHECK(code == 5);
    }
    CHECK(env.stack({"container", "rm", "-f", name}).code == 0);
    CHECK(env.clean());
}
