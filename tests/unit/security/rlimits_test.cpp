#include "runtime/security/rlimits.hpp"

#include <sys/resource.h>

#include <catch2/catch.hpp>

#include "runtime/sys/error.hpp"

using namespace stk::runtime;

namespace {

RlimitCeilings ceilings_with_nofile(rlim_t hard) {
    RlimitCeilings c;
    c.hard[RLIMIT_NOFILE] = hard;
    return c;
}

}  // namespace

TEST_CASE("rlimit names map to RLIMIT_ constants") {
    CHECK(rlimit_resource("nofile") == RLIMIT_NOFILE);
    CHECK(rlimit_resource("nproc") == RLIMIT_NPROC);
    CHECK(rlimit_resource("core") == RLIMIT_CORE);
    CHECK(rlimit_resource("memlock") == RLIMIT_MEMLOCK);
    CHECK(rlimit_resource("as") == RLIMIT_AS);
    CHECK_FALSE(rlimit_resource("files").has_value());
}

TEST_CASE("rlimits within the ceiling are kept as given, without warning") {
    std::vector<std::string> warnings;
    auto plan = plan_rlimits({{"nofile", 1024, 4096}, {"core", 0, 0}}, warnings,
                             ceilings_with_nofile(20000));
    REQUIRE(plan.count == 2);
    CHECK(plan.entries[0].resource == RLIMIT_NOFILE);
    CHECK(plan.entries[0].value.rlim_cur == 1024);
    CHECK(plan.entries[0].value.rlim_max == 4096);
    CHECK(plan.entries[1].resource == RLIMIT_CORE);
    CHECK(warnings.empty());
}

TEST_CASE("rlimits above the host's hard limit are clamped with a warning naming both") {
    std::vector<std::string> warnings;
    auto plan = plan_rlimits({{"nofile", 30000, 65536}}, warnings, ceilings_with_nofile(20000));
    REQUIRE(plan.count == 1);
    CHECK(plan.entries[0].value.rlim_cur == 20000);
    CHECK(plan.entries[0].value.rlim_max == 20000);
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0], Catch::Contains("nofile=30000:65536") &&
                                Catch::Contains("20000:20000") &&
                                Catch::Contains("CAP_SYS_RESOURCE"));

    warnings.clear();
    plan = plan_rlimits({{"nofile", 100, 65536}}, warnings, ceilings_with_nofile(20000));
    CHECK(plan.entries[0].value.rlim_cur == 100);
    CHECK(plan.entries[0].value.rlim_max == 20000);
    CHECK(warnings.size() == 1);
}

TEST_CASE("this host's ceilings: nofile is capped at the process hard limit") {
    rlimit cur{};
    REQUIRE(getrlimit(RLIMIT_NOFILE, &cur) == 0);
    auto ceilings = RlimitCeilings::of_this_process();
    std::vector<std::string> warnings;
    auto plan = plan_rlimits({{"nofile", cur.rlim_max + 1000, cur.rlim_max + 1000}}, warnings);
    if (ceilings.hard[RLIMIT_NOFILE]) {
        // Without CAP_SYS_RESOURCE (this machine: 20000/20000).
        CHECK(*ceilings.hard[RLIMIT_NOFILE] == cur.rlim_max);
        CHECK(plan.entries[0].value.rlim_max == cur.rlim_max);
        CHECK(warnings.size() == 1);
    } else {
        CHECK(plan.entries[0].value.rlim_max == cur.rlim_max + 1000);
        CHECK(warnings.empty());
    }
}

TEST_CASE("bad rlimits are errors") {
    std::vector<std::string> w;
    CHECK_THROWS_WITH(plan_rlimits({{"nofiles", 1, 1}}, w, {}), Catch::Contains("\"nofiles\""));
    CHECK_THROWS_WITH(plan_rlimits({{"nproc", 10, 5}}, w, {}),
                      Catch::Contains("soft limit 10 is above the hard limit 5"));
    CHECK_THROWS_WITH(plan_rlimits({{"core", 0, 0}, {"core", 1, 1}}, w, {}),
                      Catch::Contains("given twice"));
}

TEST_CASE("unlimited (RLIM_INFINITY) is clamped like any other value") {
    std::vector<std::string> warnings;
    auto plan = plan_rlimits({{"nofile", RLIM_INFINITY, RLIM_INFINITY}}, warnings,
                             ceilings_with_nofile(20000));
    CHECK(plan.entries[0].value.rlim_max == 20000);
    CHECK_THAT(warnings.at(0), Catch::Contains("unlimited"));
}
