// The v1/hybrid backend against a temporary directory shaped like this machine's
// /sys/fs/cgroup: which knob gets which value.
#include <catch2/catch.hpp>

#include "runtime/cgroup/cgroup_layout.hpp"
#include "runtime/cgroup/cgroup_manager.hpp"
#include "runtime/sys/error.hpp"
#include "tests/unit/cgroup/fake_cgroup_tree.hpp"

using namespace stk::runtime;
using stk::test::FakeCgroupTree;

namespace {

// Like this machine: separate cpu and cpuacct, a unified mount without controllers, devices
// and blkio present, devices unused by stack.
void lay_out_hybrid(const FakeCgroupTree& t) {
    for (const char* c :
         {"memory", "cpu", "cpuacct", "cpuset", "pids", "freezer", "devices", "blkio", "systemd"})
        t.dir(c);
    t.file("unified/cgroup.procs");
    t.file("cpuset/cpuset.cpus", "0-1\n");
    t.file("cpuset/cpuset.mems", "0\n");
}

// The knob files the kernel would show in the container's directories.
void lay_out_container(const FakeCgroupTree& t, const std::string& name) {
    const std::string m = "memory/stack/" + name + "/";
    for (const char* f :
         {"memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.soft_limit_in_bytes",
          "memory.usage_in_bytes", "memory.oom_control", "cgroup.procs"})
        t.file(m + f);
    for (const char* f : {"cpu.cfs_period_us", "cpu.cfs_quota_us", "cpu.shares", "cgroup.procs"})
        t.file("cpu/stack/" + name + "/" + f);
    for (const char* f : {"cpuacct.usage", "cgroup.procs"})
        t.file("cpuacct/stack/" + name + "/" + f);
    t.file("cpuset/stack/cpuset.cpus");
    t.file("cpuset/stack/cpuset.mems");
    for (const char* f : {"cpuset.cpus", "cpuset.mems", "cgroup.procs"})
        t.file("cpuset/stack/" + name + "/" + f);
    for (const char* f : {"pids.max", "pids.current", "cgroup.procs"})
        t.file("pids/stack/" + name + "/" + f);
    for (const char* f : {"blkio.throttle.io_service_bytes", "cgroup.procs"})
        t.file("blkio/stack/" + name + "/" + f);
    t.file("freezer/stack/" + name + "/freezer.state", "THAWED\n");
    t.file("freezer/stack/" + name + "/cgroup.procs");
    t.file("unified/stack/" + name + "/cgroup.procs");
    t.file("unified/stack/" + name + "/cgroup.kill");
    t.file("unified/stack/" + name + "/cgroup.events", "populated 0\nfrozen 0\n");
}

}  // namespace

TEST_CASE("v1 fake: layout detection finds the hybrid layout and the controllers") {
    FakeCgroupTree t;
    lay_out_hybrid(t);
    auto layout = detect_cgroup_layout(t.root());
    CHECK(layout.mode == CgroupLayout::Mode::Hybrid);
    REQUIRE(layout.unified);
    CHECK(*layout.unified == t.root() / "unified");
    CHECK(layout.v1.at("cpu") == t.root() / "cpu");
    CHECK(layout.v1.at("cpuacct") == t.root() / "cpuacct");
    CHECK(layout.v1.count("systemd") == 0);
    CHECK(make_cgroup_manager(t.root())->backend_name() == std::string("hybrid"));
}

TEST_CASE("v1 fake: limits go to the v1 knobs with exact values") {
    FakeCgroupTree t;
    lay_out_hybrid(t);
    lay_out_container(t, "c1");
    auto mgr = make_cgroup_manager(t.root());
    auto cg = mgr->create("c1");
    // cpuset cpus and mems are inherited before anything can join.
    CHECK(t.read("cpuset/stack/cpuset.cpus") == "0-1");
    CHECK(t.read("cpuset/stack/cpuset.mems") == "0");
    CHECK(t.read("cpuset/stack/c1/cpuset.cpus") == "0-1");
    CHECK(t.read("cpuset/stack/c1/cpuset.mems") == "0");

    Resources r;
    r.memory_limit = 64ll << 20;
    r.memory_swap_limit = 128ll << 20;
    r.memory_reservation = 32ll << 20;
    r.cpus = 0.5;
    r.cpu_shares = 512;
    r.cpuset_cpus = "1";
    r.cpuset_mems = "0";
    r.pids_limit = 100;
    cg->apply(r);
    CHECK(t.read("memory/stack/c1/memory.limit_in_bytes") == "67108864");
    CHECK(t.read("memory/stack/c1/memory.memsw.limit_in_bytes") == "134217728");
    CHECK(t.read("memory/stack/c1/memory.soft_limit_in_bytes") == "33554432");
    CHECK(t.read("cpu/stack/c1/cpu.cfs_period_us") == "100000");
    CHECK(t.read("cpu/stack/c1/cpu.cfs_quota_us") == "50000");
    CHECK(t.read("cpu/stack/c1/cpu.shares") == "512");
    CHECK(t.read("cpuset/stack/c1/cpuset.cpus") == "1");
    CHECK(t.read("cpuset/stack/c1/cpuset.mems") == "0");
    CHECK(t.read("pids/stack/c1/pids.max") == "100");
    // Controllers stack does not use get no directory.
    CHECK_FALSE(t.exists("devices/stack"));
    CHECK(t.exists("blkio/stack/c1"));  // read by stats (BLOCK I/O), no limit set

    Resources unlimited;
    unlimited.pids_limit = -1;
    unlimited.memory_limit = -1;
    cg->apply(unlimited);
    CHECK(t.read("pids/stack/c1/pids.max") == "max");
    CHECK(t.read("memory/stack/c1/memory.limit_in_bytes") == "-1");
}

TEST_CASE("v1 fake: membership, clone fd, freezer, stats, kill") {
    FakeCgroupTree t;
    lay_out_hybrid(t);
    lay_out_container(t, "c1");
    auto mgr = make_cgroup_manager(t.root());
    auto cg = mgr->create("c1");
    cg->add_process(4242);
    for (const char* h : {"memory", "cpu", "cpuacct", "cpuset", "pids", "freezer", "blkio", "unified"})
        CHECK(t.read(std::string(h) + "/stack/c1/cgroup.procs") == "4242");
    CHECK(cg->clone_into_fd() >= 0);

    cg->freeze(true);
    CHECK(t.read("freezer/stack/c1/freezer.state") == "FROZEN");
    cg->freeze(false);
    CHECK(t.read("freezer/stack/c1/freezer.state") == "THAWED");

    t.file("memory/stack/c1/memory.usage_in_bytes", "1048576\n");
    t.file("memory/stack/c1/memory.limit_in_bytes", "67108864\n");
    t.file("memory/stack/c1/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
    t.file("cpuacct/stack/c1/cpuacct.usage", "123456789\n");
    t.file("pids/stack/c1/pids.current", "2\n");
    t.file("blkio/stack/c1/blkio.throttle.io_service_bytes",
           "8:0 Read 4096\n8:0 Write 512\n8:0 Total 4608\nTotal 4608\n");
    auto s = cg->stats();
    CHECK(s.block_read_bytes == 4096);
    CHECK(s.block_write_bytes == 512);
    CHECK(s.memory_usage == 1048576);
    CHECK(s.memory_limit == 67108864u);
    CHECK(s.oom_kills == 3);
    CHECK(s.cpu_usage_ns == 123456789);
    CHECK(s.pids == 2);
    t.file("memory/stack/c1/memory.limit_in_bytes", "9223372036854771712\n");
    CHECK_FALSE(cg->stats().memory_limit.has_value());

    // No processes left (the files are empty): cgroup.kill is written, then nothing to signal.
    for (const char* h : {"memory", "cpu", "cpuacct", "cpuset", "pids", "freezer", "blkio", "unified"})
        t.file(std::string(h) + "/stack/c1/cgroup.procs");
    cg->kill_all();
    CHECK(t.read("unified/stack/c1/cgroup.kill") == "1");
    CHECK_FALSE(cg->populated());
}

TEST_CASE("v1 fake: create, list, open, destroy (idempotent), parent removal") {
    FakeCgroupTree t;
    lay_out_hybrid(t);
    auto mgr = make_cgroup_manager(t.root());
    auto a = mgr->create("a");
    auto b = mgr->create("b");
    for (const char* h : {"memory", "cpu", "cpuacct", "cpuset", "pids", "freezer", "unified"})
        CHECK(t.exists(std::string(h) + "/stack/a"));
    CHECK(mgr->list() == std::vector<std::string>{"a", "b"});
    CHECK(mgr->exists("a"));
    CHECK_THROWS_WITH(mgr->open("nope"), Catch::Contains("no cgroup \"nope\""));
    auto again = mgr->open("a");
    again->destroy();
    again->destroy();
    a->destroy();
    for (const char* h : {"memory", "cpu", "cpuacct", "cpuset", "pids", "freezer", "unified"})
        CHECK_FALSE(t.exists(std::string(h) + "/stack/a"));
    CHECK_FALSE(mgr->exists("a"));
    mgr->remove_parent_if_empty();
    CHECK(t.exists("memory/stack"));  // b is still there
    b->destroy();
    mgr->remove_parent_if_empty();
    CHECK_FALSE(t.exists("memory/stack"));
    CHECK_FALSE(t.exists("unified/stack"));
}

TEST_CASE("v1 fake: CgroupGuard removes unless committed") {
    FakeCgroupTree t;
    lay_out_hybrid(t);
    auto mgr = make_cgroup_manager(t.root());
    {
        auto cg = mgr->create("undone");
        CgroupGuard guard(*cg);
    }
    CHECK_FALSE(mgr->exists("undone"));
    {
        auto cg = mgr->create("kept");
        CgroupGuard guard(*cg);
        guard.commit();
    }
    CHECK(mgr->exists("kept"));
}

TEST_CASE("v1 fake: co-mounted cpu,cpuacct is one directory, missing controllers are errors") {
    FakeCgroupTree t;
    t.dir("cpu,cpuacct");
    t.dir("memory");
    for (const char* f : {"cpu.cfs_period_us", "cpu.cfs_quota_us", "cpuacct.usage"})
        t.file(std::string("cpu,cpuacct/stack/c/") + f);
    t.file("memory/stack/c/memory.limit_in_bytes");
    auto layout = detect_cgroup_layout(t.root());
    CHECK(layout.mode == CgroupLayout::Mode::V1);
    CHECK(layout.v1.at("cpu") == layout.v1.at("cpuacct"));
    auto mgr = make_cgroup_manager(t.root());
    CHECK(mgr->backend_name() == std::string("v1"));
    auto cg = mgr->create("c");
    CHECK(cg->clone_into_fd() == -1);
    Resources r;
    r.cpus = 1;
    cg->apply(r);
    CHECK(t.read("cpu,cpuacct/stack/c/cpu.cfs_quota_us") == "100000");
    Resources pids;
    pids.pids_limit = 10;
    CHECK_THROWS_WITH(cg->apply(pids), Catch::Contains("\"pids\" controller"));
    Resources swap;
    swap.memory_limit = 64 << 20;
    swap.memory_swap_limit = 128 << 20;
    CHECK_THROWS_WITH(cg->apply(swap), Catch::Contains("swap accounting"));
    Resources bad;
    bad.cpus = 0;
    CHECK_THROWS_WITH(cg->apply(bad), Catch::Contains("apply limits to cgroup \"c\": cpus 0"));
}

TEST_CASE("v1 fake: a missing knob is an error naming the path") {
    FakeCgroupTree t;
    lay_out_hybrid(t);
    auto mgr = make_cgroup_manager(t.root());
    auto cg = mgr->create("bare");  // directories only: no knob files
    Resources r;
    r.pids_limit = 5;
    CHECK_THROWS_WITH(cg->apply(r), Catch::Contains("pids/stack/bare/pids.max"));
    CHECK_THROWS_AS(mgr->create("bad/name"), stk::Error);
}
