// The v2 backend on this machine's real unified mount (/sys/fs/cgroup/unified on a hybrid host):
// it has no controllers, but membership, cgroup.events, cgroup.freeze, cgroup.kill, cpu.stat and
// rmdir are all the kernel's v2 code. Limits need controllers the mount does not have, so the
// test checks they fail with an error naming the file instead of pretending to apply them.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "runtime/cgroup/cgroup_v2.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/file_util.hpp"
#include "tests/integration/cgroup/cgroup_sandbox.hpp"

using namespace stk::runtime;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const fs::path kUnified = "/sys/fs/cgroup/unified";

// A sandbox whose manager is the v2 backend rooted at the unified mount.
stk::testing::CgroupSandbox unified_sandbox() {
    return stk::testing::CgroupSandbox(
        [](const std::string& parent) { return make_v2_cgroup_manager(kUnified, parent); });
}

// True (with the reason) when this machine has no v2 mount to exercise.
bool no_unified_mount() {
    if (fs::exists(kUnified / "cgroup.procs")) return false;
    WARN("no cgroup v2 mount at " << kUnified.string() << ": nothing to exercise");
    return true;
}

// A child that, once told (after it was put in the cgroup), forks `extra` sleepers, then waits
// until released and exits 0.
struct Sleeper {
    pid_t pid = -1;
    int control = -1;
    static Sleeper start(Cgroup& cg, int extra = 0) {
        int fds[2];
        REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
        pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            close(fds[1]);
            char c;
            if (read(fds[0], &c, 1) != 1) _exit(100);
            for (int i = 0; i < extra; ++i)
                if (fork() == 0) pause();
            (void)!read(fds[0], &c, 1);  // EOF: released
            _exit(0);
        }
        close(fds[0]);
        cg.add_process(pid);
        REQUIRE(write(fds[1], "g", 1) == 1);
        return Sleeper{pid, fds[1]};
    }
    int finish() {
        if (control >= 0) close(control);
        control = -1;
        int status = 0;
        waitpid(pid, &status, 0);
        return status;
    }
};

std::string events(const fs::path& dir) { return stk::read_file(dir / "cgroup.events"); }

}  // namespace

TEST_CASE("v2 on the unified mount: create, join, events, freeze, stats, remove") {
    if (no_unified_mount()) return;
    auto box = unified_sandbox();
    const std::string name = "stk-" + std::to_string(::getpid()) + "-a";
    Cgroup& cg = box.create(name);
    const fs::path dir = kUnified / box.parent() / name;
    REQUIRE(fs::is_directory(dir));
    CHECK(box.manager().exists(name));
    CHECK(box.manager().list() == std::vector<std::string>{name});
    CHECK(std::string(box.manager().backend_name()) == "v2");
    CHECK_FALSE(cg.populated());
    CHECK_THAT(events(dir), Catch::Contains("populated 0"));

    Sleeper child = Sleeper::start(cg);
    CHECK(cg.pids() == std::vector<pid_t>{child.pid});
    CHECK(cg.populated());
    CHECK_THAT(events(dir), Catch::Contains("populated 1"));
    CHECK_THAT(stk::read_file("/proc/" + std::to_string(child.pid) + "/cgroup"),
               Catch::Contains("0::/" + box.parent() + "/" + name + "\n"));

    // cgroup.freeze is core v2, no controller needed.
    cg.freeze(true);
    CHECK_THAT(events(dir), Catch::Contains("frozen 1"));
    cg.freeze(false);
    CHECK_THAT(events(dir), Catch::Contains("frozen 0"));

    // cpu.stat is core too; memory.current and pids.current need controllers: stats fall back.
    auto stats = cg.stats();
    CHECK(stats.pids == 1);
    CHECK_FALSE(stats.memory_limit);

    CHECK(child.finish() == 0);
    CHECK_FALSE(cg.populated());
    CHECK_THAT(events(dir), Catch::Contains("populated 0"));
}

TEST_CASE("v2 on the unified mount: cgroup.kill empties a process tree, destroy removes it") {
    if (no_unified_mount()) return;
    auto box = unified_sandbox();
    const std::string name = "stk-" + std::to_string(::getpid()) + "-k";
    Cgroup& cg = box.create(name);
    Sleeper child = Sleeper::start(cg, 3);
    for (int i = 0; i < 400 && cg.pids().size() < 4; ++i) std::this_thread::sleep_for(5ms);
    REQUIRE(cg.pids().size() == 4);
    REQUIRE(fs::exists(kUnified / box.parent() / name / "cgroup.kill"));
    cg.kill_all();
    CHECK(cg.pids().empty());
    CHECK_FALSE(cg.populated());
    int status = child.finish();
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
    cg.destroy();
    CHECK_FALSE(fs::exists(kUnified / box.parent() / name));
    cg.destroy();  // idempotent
}

TEST_CASE("v2 on the unified mount: limits without controllers fail naming the file") {
    if (no_unified_mount()) return;
    const std::string controllers = stk::read_file(kUnified / "cgroup.controllers");
    auto box = unified_sandbox();
    Cgroup& cg = box.create("stk-" + std::to_string(::getpid()) + "-l");
    cg.apply(Resources{});  // nothing asked, nothing written
    if (controllers.find("memory") != std::string::npos ||
        controllers.find("pids") != std::string::npos) {
        WARN("the unified mount has controllers (" << controllers
                                                    << "): the limit tests of cgroup_real cover them");
        return;
    }
    // This hybrid host keeps memory and pids in v1; writing them here must not pass silently.
    WARN("skipping limit writes on " << kUnified.string()
                                     << ": no controllers enabled there (hybrid host)");
    Resources memory;
    memory.memory_limit = 64 << 20;
    CHECK_THROWS_WITH(cg.apply(memory), Catch::Contains("memory.max"));
    Resources pids;
    pids.pids_limit = 10;
    CHECK_THROWS_WITH(cg.apply(pids), Catch::Contains("pids.max"));
}
