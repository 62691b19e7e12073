// The v2 backend against a temporary directory shaped like a pure cgroup v2 /sys/fs/cgroup.
#include <catch2/catch.hpp>

#include "runtime/cgroup/cgroup_layout.hpp"
#include "runtime/cgroup/cgroup_manager.hpp"
#include "tests/unit/cgroup/fake_cgroup_tree.hpp"

using namespace stk::runtime;
using stk::test::FakeCgroupTree;

namespace {

void lay_out_v2(const FakeCgroupTree& t, const std::string& name) {
    const std::string all = "cpuset cpu io memory hugetlb pids rdma misc\n";
    t.file("cgroup.controllers", all);
    t.file("cgroup.subtree_control", "io\n");
    t.file("cgroup.procs");
    t.file("stack/cgroup.controllers", all);
    t.file("stack/cgroup.subtree_control");
    const std::string d = "stack/" + name + "/";
    for (const char* f : {"memory.max", "memory.swap.max", "memory.low", "cpu.max", "cpu.weight",
                          "cpuset.cpus", "cpuset.mems", "pids.max", "cgroup.procs", "cgroup.freeze",
                          "cgroup.kill", "memory.current", "pids.current"})
        t.file(d + f);
    t.file(d + "cgroup.events", "populated 0\nfrozen 0\n");
}

}  // namespace

TEST_CASE("v2 fake: detection and controllers enabled through subtree_control") {
    FakeCgroupTree t;
    lay_out_v2(t, "c1");
    auto layout = detect_cgroup_layout(t.root());
    CHECK(layout.mode == CgroupLayout::Mode::V2);
    auto mgr = make_cgroup_manager(t.root());
    CHECK(mgr->backend_name() == std::string("v2"));
    auto cg = mgr->create("c1");
    CHECK(t.read("cgroup.subtree_control") == "+cpu +cpuset +memory +pids");
    CHECK(t.read("stack/cgroup.subtree_control") == "+cpu +cpuset +memory +pids");
    CHECK(cg->clone_into_fd() >= 0);
}

TEST_CASE("v2 fake: limits go to the v2 knobs with exact values") {
    FakeCgroupTree t;
    lay_out_v2(t, "c1");
    auto cg = make_cgroup_manager(t.root())->create("c1");
    Resources r;
    r.memory_limit = 64ll << 20;
    r.memory_swap_limit = 96ll << 20;
    r.memory_reservation = 16ll << 20;
    r.cpus = 1.5;
    r.cpu_shares = 2048;
    r.cpuset_cpus = "0-1";
    r.cpuset_mems = "0";
    r.pids_limit = 64;
    cg->apply(r);
    CHECK(t.read("stack/c1/memory.max") == "67108864");
    CHECK(t.read("stack/c1/memory.swap.max") == "33554432");  // memswap - mem
    CHECK(t.read("stack/c1/memory.low") == "16777216");
    CHECK(t.read("stack/c1/cpu.max") == "150000 100000");
    CHECK(t.read("stack/c1/cpu.weight") == "174");
    CHECK(t.read("stack/c1/cpuset.cpus") == "0-1");
    CHECK(t.read("stack/c1/cpuset.mems") == "0");
    CHECK(t.read("stack/c1/pids.max") == "64");

    Resources unlimited;
    unlimited.memory_limit = -1;
    unlimited.memory_swap_limit = -1;
    unlimited.pids_limit = -1;
    cg->apply(unlimited);
    CHECK(t.read("stack/c1/memory.max") == "max");
    CHECK(t.read("stack/c1/memory.swap.max") == "max");
    CHECK(t.read("stack/c1/pids.max") == "max");
}

TEST_CASE("v2 fake: membership, freeze, stats, kill") {
    FakeCgroupTree t;
    lay_out_v2(t, "c1");
    auto cg = make_cgroup_manager(t.root())->create("c1");
    cg->add_process(777);
    CHECK(t.read("stack/c1/cgroup.procs") == "777");
    CHECK(cg->pids() == std::vector<pid_t>{777});

    t.file("stack/c1/cgroup.events", "populated 1\nfrozen 1\n");
    cg->freeze(true);
    CHECK(t.read("stack/c1/cgroup.freeze") == "1");
    CHECK(cg->populated());

    t.file("stack/c1/memory.current", "4096\n");
    t.file("stack/c1/memory.max", "max\n");
    t.file("stack/c1/cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n");
    t.file("stack/c1/pids.current", "3\n");
    t.file("stack/c1/memory.events", "low 0\nhigh 0\nmax 9\noom 2\noom_kill 2\n");
    t.file("stack/c1/io.stat", "8:0 rbytes=8192 wbytes=1024 rios=2 wios=1 dbytes=0 dios=0\n");
    auto s = cg->stats();
    CHECK(s.block_read_bytes == 8192);
    CHECK(s.block_write_bytes == 1024);
    CHECK(s.memory_usage == 4096);
    CHECK_FALSE(s.memory_limit.has_value());
    CHECK(s.cpu_usage_ns == 1500000);
    CHECK(s.pids == 3);
    CHECK(s.oom_kills == 2);

    t.file("stack/c1/cgroup.procs");
    t.file("stack/c1/cgroup.events", "populated 0\nfrozen 0\n");
    cg->kill_all();
    CHECK(t.read("stack/c1/cgroup.kill") == "1");
    CHECK_FALSE(cg->populated());
}

TEST_CASE("v2 fake: destroy is idempotent and the parent goes when empty") {
    FakeCgroupTree t;
    t.file("cgroup.controllers", "memory pids\n");
    t.file("cgroup.subtree_control");
    auto mgr = make_cgroup_manager(t.root());
    auto cg = mgr->create("x");
    CHECK(t.read("cgroup.subtree_control") == "+memory +pids");
    CHECK(mgr->list() == std::vector<std::string>{"x"});
    cg->destroy();
    cg->destroy();
    CHECK_FALSE(mgr->exists("x"));
    mgr->remove_parent_if_empty();
    CHECK_FALSE(t.exists("stack"));
}
