#include "runtime/cgroup/cgroup_values.hpp"

#include <catch2/catch.hpp>

#include "runtime/sys/error.hpp"

using namespace stk::runtime;

TEST_CASE("cpus become a CFS quota over a 100 ms period") {
    CHECK(cpu_quota_us(0.5, 2) == 50000);
    CHECK(cpu_quota_us(1.5, 2) == 150000);
    CHECK(cpu_quota_us(0.01, 2) == 1000);
    CHECK_THROWS_WITH(cpu_quota_us(0.0, 2), Catch::Contains("cpus 0"));
    CHECK_THROWS_WITH(cpu_quota_us(3, 2), Catch::Contains("2 online CPUs"));
}

TEST_CASE("cpu shares convert to cpu.weight on crun's curve") {
    CHECK(cpu_shares_to_weight(2) == 1);
    CHECK(cpu_shares_to_weight(512) == 59);
    CHECK(cpu_shares_to_weight(1024) == 100);
    CHECK(cpu_shares_to_weight(2048) == 174);
    CHECK(cpu_shares_to_weight(262144) == 10000);
    CHECK_THROWS_WITH(check_cpu_shares(1), Catch::Contains("cpu_shares 1"));
    CHECK_THROWS(check_cpu_shares(300000));
}

TEST_CASE("cpuset lists are checked") {
    CHECK_NOTHROW(check_cpuset_list("0", "cpuset"));
    CHECK_NOTHROW(check_cpuset_list("0-1,3,5-7", "cpuset"));
    CHECK_THROWS_WITH(check_cpuset_list("0-", "cpuset"), Catch::Contains("\"0-\""));
    CHECK_THROWS(check_cpuset_list("", "cpuset"));
    CHECK_THROWS(check_cpuset_list("1,", "cpuset"));
    CHECK_THROWS(check_cpuset_list("a", "cpuset"));
}

TEST_CASE("memory values are checked like docker does") {
    Resources r;
    r.memory_limit = 1 << 20;
    CHECK_THROWS_WITH(check_memory(r), Catch::Contains("minimum is 6 MiB"));
    r.memory_limit = 64 << 20;
    r.memory_swap_limit = 32 << 20;
    CHECK_THROWS_WITH(check_memory(r), Catch::Contains("below mem_limit"));
    r.memory_swap_limit = -1;
    CHECK_NOTHROW(check_memory(r));
    Resources swap_only;
    swap_only.memory_swap_limit = 64 << 20;
    CHECK_THROWS_WITH(check_memory(swap_only), Catch::Contains("needs mem_limit"));
    Resources reservation;
    reservation.memory_limit = 64 << 20;
    reservation.memory_reservation = 128 << 20;
    CHECK_THROWS_WITH(check_memory(reservation), Catch::Contains("above mem_limit"));
}

TEST_CASE("pids_limit values") {
    CHECK(pids_max_value(100) == "100");
    CHECK(pids_max_value(-1) == "max");
    CHECK(pids_max_value(0) == "max");
    CHECK_THROWS(pids_max_value(-5));
}

TEST_CASE("cgroup names are single path components") {
    CHECK_NOTHROW(check_cgroup_name("stk-test-1-2"));
    CHECK_THROWS_WITH(check_cgroup_name("a/b"), Catch::Contains("\"a/b\""));
    CHECK_THROWS(check_cgroup_name(".."));
    CHECK_THROWS(check_cgroup_name(""));
}
