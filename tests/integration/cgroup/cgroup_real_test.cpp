// The cgroup manager on this machine's real /sys/fs/cgroup (root): processes added to a
// cgroup are limited, frozen and killed; nothing is left behind.
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <thread>

#include "runtime/cgroup/cgroup_manager.hpp"
#include "tests/integration/cgroup/cgroup_sandbox.hpp"
#include "runtime/sys/file_util.hpp"

using namespace stk::runtime;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

using stk::testing::CgroupSandbox;
const fs::path& kRoot = stk::testing::kCgroupRoot;

std::string unique_name() { return stk::testing::unique_cgroup_name(); }

// A forked child that waits until it has been put in the cgroup, then runs `body` with a
// pipe to report through.
struct Child {
    pid_t pid = -1;
    int go = -1;
    int report = -1;

    template <typename Body>
    static Child start(Cgroup& cg, Body body) {
        int go[2], rep[2];
        REQUIRE(pipe2(go, O_CLOEXEC) == 0);
        REQUIRE(pipe2(rep, O_CLOEXEC) == 0);
        pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            close(go[1]);
            close(rep[0]);
            char c;
            if (read(go[0], &c, 1) != 1) _exit(100);
            body(rep[1]);
            _exit(0);
        }
        close(go[0]);
        close(rep[1]);
        cg.add_process(pid);
        REQUIRE(write(go[1], "g", 1) == 1);
        close(go[1]);
        return Child{pid, -1, rep[0]};
    }
    // One line: the child's own children inherit the pipe, so EOF cannot be the delimiter.
    std::string read_report() const {
        std::string out;
        char c;
        while (read(report, &c, 1) == 1 && c != '\n') out += c;
        return out;
    }
    int wait() const {
        int status = 0;
        waitpid(pid, &status, 0);
        close(report);
        return status;
    }
};

void put(int fd, const std::string& s) { (void)!write(fd, s.data(), s.size()); }

}  // namespace

TEST_CASE("real: this machine's layout is detected as hybrid (v2 where pure v2)") {
    CgroupSandbox box;
    bool hybrid = fs::exists(kRoot / "unified/cgroup.procs");
    CHECK(box.manager().backend_name() == std::string(hybrid ? "hybrid" : "v2"));
}

TEST_CASE("real: pids_limit stops a fork loop") {
    CgroupSandbox box;
    {
        Cgroup& cg = box.create();
        Resources r;
        r.pids_limit = 5;
        cg.apply(r);
        Child child = Child::start(cg, [](int rep) {
            int forked = 0;
            int err = 0;
            for (int i = 0; i < 20; ++i) {
                pid_t p = fork();
                if (p == 0) {
                    pause();
                    _exit(0);
                }
                if (p < 0) {
                    err = errno;
                    break;
                }
                ++forked;
            }
            put(rep, std::to_string(forked) + " " + std::to_string(err) + "\n");
            close(rep);
            pause();
        });
        std::string report = child.read_report();
        CHECK(report == "4 " + std::to_string(EAGAIN));  // 5 tasks: the child + 4
        CHECK(cg.stats().pids == 5);
        CHECK(cg.pids().size() == 5);
        cg.kill_all();
        CHECK(cg.pids().empty());
        CHECK_FALSE(cg.populated());
        int status = child.wait();
        CHECK(WIFSIGNALED(status));
        CHECK(WTERMSIG(status) == SIGKILL);
    }
}

TEST_CASE("real: a memory limit OOM-kills and the oom count rises") {
    CgroupSandbox box;
    Cgroup& cg = box.create();
    Resources r;
    r.memory_limit = 32ll << 20;
    r.memory_swap_limit = 32ll << 20;
    cg.apply(r);
    auto s0 = cg.stats();
    CHECK(s0.memory_limit == (32ull << 20));
    CHECK(s0.oom_kills == 0);
    Child child = Child::start(cg, [](int) {
        const size_t size = 128u << 20;
        char* p = static_cast<char*>(
            mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        if (p == MAP_FAILED) _exit(2);
        for (size_t i = 0; i < size; i += 4096) p[i] = 1;
        _exit(3);  // not reached when the limit works
    });
    int status = child.wait();
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
    CHECK(cg.stats().oom_kills >= 1);
}

TEST_CASE("real: cpus 0.5 gives about half a core") {
    CgroupSandbox box;
    Cgroup& cg = box.create();
    Resources r;
    r.cpus = 0.5;
    cg.apply(r);
    // Other jobs load this 2-core machine (load average > 10 while building). Give the test's
    // own parent group the highest CFS weight so that the quota, not the competition, bounds
    // what the loop gets. The weight of a group, not a task's nice value, counts at the top.
    const fs::path parent_shares = kRoot / "cpu" / box.parent() / "cpu.shares";
    if (fs::exists(parent_shares)) stk::write_knob(parent_shares, "262144");
    r.cpu_shares = 262144;
    cg.apply(r);
    Child child = Child::start(cg, [](int) {
        volatile uint64_t x = 0;
        for (;;) x = x + 1;
    });
    std::this_thread::sleep_for(200ms);  // past the first period
    auto t0 = std::chrono::steady_clock::now();
    uint64_t u0 = cg.stats().cpu_usage_ns;
    std::this_thread::sleep_for(1200ms);
    uint64_t u1 = cg.stats().cpu_usage_ns;
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double cores = static_cast<double>(u1 - u0) / 1e9 / wall;
    std::printf("cpus 0.5: %.3f cores used over %.2f s\n", cores, wall);
    CHECK(cores > 0.3);
    CHECK(cores < 0.7);
    cg.kill_all();
    child.wait();
}

TEST_CASE("real: freeze stops progress and thaw resumes it") {
    CgroupSandbox box;
    Cgroup& cg = box.create();
    auto* counter = static_cast<std::atomic<uint64_t>*>(
        mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
    REQUIRE(counter != MAP_FAILED);
    new (counter) std::atomic<uint64_t>(0);
    Child child = Child::start(cg, [counter](int) {
        for (;;) {
            counter->fetch_add(1, std::memory_order_relaxed);
            usleep(100);
        }
    });
    std::this_thread::sleep_for(100ms);
    CHECK(counter->load() > 0);
    cg.freeze(true);
    uint64_t frozen_at = counter->load();
    std::this_thread::sleep_for(300ms);
    CHECK(counter->load() == frozen_at);
    cg.freeze(false);
    std::this_thread::sleep_for(100ms);
    CHECK(counter->load() > frozen_at);
    // A frozen cgroup can still be killed.
    cg.freeze(true);
    cg.kill_all();
    CHECK(cg.pids().empty());
    int status = child.wait();
    CHECK(WIFSIGNALED(status));
    munmap(counter, 4096);
}

TEST_CASE("real: kill_all empties a cgroup with a process tree, destroy leaves nothing") {
    CgroupSandbox box;
    {
        auto cg = box.manager().create(unique_name());
        Child child = Child::start(*cg, [](int rep) {
            for (int i = 0; i < 3; ++i) {
                if (fork() == 0) {
                    if (fork() == 0) pause();  // grandchildren too
                    pause();
                }
            }
            put(rep, "ready\n");
            close(rep);
            pause();
        });
        CHECK(child.read_report() == "ready");
        // The grandchildren are forked by the children, maybe after "ready".
        for (int i = 0; i < 200 && cg->pids().size() < 7; ++i) std::this_thread::sleep_for(5ms);
        CHECK(cg->pids().size() == 7);
        CHECK(cg->populated());
        cg->destroy();
        CHECK_FALSE(box.manager().exists(cg->name()));
        cg->destroy();  // idempotent
        child.wait();
    }
    box.manager().remove_parent_if_empty();
    CHECK(box.leftovers().empty());
}

TEST_CASE("real: clone3 CLONE_INTO_CGROUP lands in the unified cgroup, add_process joins v1") {
    CgroupSandbox box;
    Cgroup& cg = box.create();
    if (cg.clone_into_fd() < 0) {
        WARN("no unified hierarchy: nothing to test");
        return;
    }
    clone_args args{};
    args.flags = CLONE_INTO_CGROUP;
    args.exit_signal = SIGCHLD;
    args.cgroup = static_cast<uint64_t>(cg.clone_into_fd());
    long pid = syscall(SYS_clone3, &args, sizeof args);
    REQUIRE(pid >= 0);
    if (pid == 0) {
        pause();
        _exit(0);
    }
    std::string self = stk::read_file("/proc/" + std::to_string(pid) + "/cgroup");
    CHECK_THAT(self, Catch::Contains("0::/" + box.parent() + "/" + cg.name() + "\n"));
    cg.add_process(static_cast<pid_t>(pid));
    self = stk::read_file("/proc/" + std::to_string(pid) + "/cgroup");
    CHECK_THAT(self, Catch::Contains(":memory:/" + box.parent() + "/" + cg.name() + "\n"));
    CHECK_THAT(self, Catch::Contains(":pids:/" + box.parent() + "/" + cg.name() + "\n"));
    cg.kill_all();
    waitpid(static_cast<pid_t>(pid), nullptr, 0);
}

TEST_CASE("real: nothing of this test process remains in any hierarchy") {
    {
        CgroupSandbox box;
        Cgroup& a = box.create();
        Cgroup& b = box.create();
        CHECK(box.manager().list().size() == 2);
        (void)a;
        (void)b;
    }
    CgroupSandbox after;
    CHECK(after.leftovers().empty());
}
