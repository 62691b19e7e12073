#include "runtime/security/sysctls.hpp"

#include <catch2/catch.hpp>

#include "runtime/sys/error.hpp"

using namespace stk::runtime;

TEST_CASE("sysctl classification: net, ipc or not namespaced") {
    CHECK(classify_sysctl("net.ipv4.ip_unprivileged_port_start") == SysctlNamespace::Net);
    CHECK(classify_sysctl("net/core/somaxconn") == SysctlNamespace::Net);
    CHECK(classify_sysctl("kernel.shmmax") == SysctlNamespace::Ipc);
    CHECK(classify_sysctl("kernel.shm_rmid_forced") == SysctlNamespace::Ipc);
    CHECK(classify_sysctl("kernel.msgmnb") == SysctlNamespace::Ipc);
    CHECK(classify_sysctl("kernel.sem") == SysctlNamespace::Ipc);
    CHECK(classify_sysctl("fs.mqueue.msg_max") == SysctlNamespace::Ipc);
    CHECK(classify_sysctl("kernel.semx") == SysctlNamespace::None);
    CHECK(classify_sysctl("kernel.hostname") == SysctlNamespace::None);
    CHECK(classify_sysctl("vm.overcommit_memory") == SysctlNamespace::None);
    CHECK(classify_sysctl("fs.file-max") == SysctlNamespace::None);
    CHECK(classify_sysctl("network.x") == SysctlNamespace::None);
}

TEST_CASE("validate_sysctls rejects host-wide, host-network and malformed sysctls") {
    CHECK_NOTHROW(
        validate_sysctls({{"net.core.somaxconn", "1024"}, {"kernel.shmmni", "10"}}, false));
    CHECK_THROWS_WITH(validate_sysctls({{"vm.swappiness", "1"}}, false),
                      Catch::Contains("\"vm.swappiness\" is not namespaced"));
    CHECK_THROWS_WITH(validate_sysctls({{"net.core.somaxconn", "1"}}, true),
                      Catch::Contains("host's network namespace"));
    CHECK_NOTHROW(validate_sysctls({{"kernel.msgmax", "8192"}}, true));
    CHECK_THROWS_WITH(validate_sysctls({{"net/../../etc", "1"}}, false),
                      Catch::Contains("malformed"));
    CHECK_THROWS_WITH(validate_sysctls({{"net.ipv4.x", "1\n2"}}, false),
                      Catch::Contains("newline"));
}
