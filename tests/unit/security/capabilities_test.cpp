#include "runtime/security/capabilities.hpp"

#include <linux/capability.h>

#include <catch2/catch.hpp>

#include "runtime/sys/error.hpp"
#include "runtime/sys/file_util.hpp"

using namespace stk::runtime;

namespace {

constexpr uint64_t bit(int cap) { return uint64_t{1} << cap; }

uint64_t resolve(std::vector<std::string> add, std::vector<std::string> drop,
                 bool privileged = false) {
    SecuritySpec s;
    s.cap_add = std::move(add);
    s.cap_drop = std::move(drop);
    s.privileged = privileged;
    return resolve_capabilities(s);
}

}  // namespace

TEST_CASE("docker's default capability mask is the 14 capabilities") {
    CHECK(docker_default_capabilities() == 0xa80425fbull);
    CHECK(resolve({}, {}) == 0xa80425fbull);
}

TEST_CASE("cap_add and cap_drop accept names with or without CAP_, in any case") {
    uint64_t d = docker_default_capabilities();
    CHECK(resolve({"NET_ADMIN"}, {}) == (d | bit(CAP_NET_ADMIN)));
    CHECK(resolve({"cap_net_admin"}, {}) == (d | bit(CAP_NET_ADMIN)));
    CHECK(resolve({"Cap_Sys_Ptrace"}, {}) == (d | bit(CAP_SYS_PTRACE)));
    CHECK(resolve({}, {"chown", "CAP_NET_RAW"}) == (d & ~bit(CAP_CHOWN) & ~bit(CAP_NET_RAW)));
}

TEST_CASE("ALL in cap_add or cap_drop follows docker") {
    uint64_t all = all_capabilities();
    int last = std::stoi(stk::read_file("/proc/sys/kernel/cap_last_cap"));
    CHECK(all == (uint64_t{1} << (last + 1)) - 1);
    CHECK(resolve({"ALL"}, {}) == all);
    CHECK(resolve({"all"}, {"SYS_ADMIN"}) == (all & ~bit(CAP_SYS_ADMIN)));
    CHECK(resolve({}, {"ALL"}) == 0);
    CHECK(resolve({"CHOWN", "KILL"}, {"all"}) == (bit(CAP_CHOWN) | bit(CAP_KILL)));
    // An explicit add wins over an explicit drop of the same capability, as in docker.
    CHECK(resolve({"CHOWN"}, {"CHOWN"}) == docker_default_capabilities());
}

TEST_CASE("privileged gets every capability") {
    CHECK(resolve({}, {"ALL"}, true) == all_capabilities());
}

TEST_CASE("unknown capability names are rejected with the name") {
    try {
        resolve({"NET_ADMINN"}, {});
        FAIL("no error");
    } catch (const stk::Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("\"NET_ADMINN\""));
    }
    CHECK_THROWS_WITH(resolve({}, {"CAP_FOO"}), Catch::Contains("\"CAP_FOO\""));
    CHECK_THROWS_AS(resolve({"ALL"}, {"bogus"}), stk::Error);
}

TEST_CASE("capability names come from libcap in docker's spelling") {
    CHECK(capability_name(CAP_CHOWN) == "CAP_CHOWN");
    CHECK(capability_name(CAP_NET_BIND_SERVICE) == "CAP_NET_BIND_SERVICE");
    CHECK(capability_name(CAP_CHECKPOINT_RESTORE) == "CAP_CHECKPOINT_RESTORE");
}
