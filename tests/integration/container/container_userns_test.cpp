// `stack container run --uidmap/--gidmap`: a user namespace in which the container's root is an
// unprivileged id of the host.
#include <catch2/catch.hpp>
#include <regex>

#include "tests/integration/container/container_harness.hpp"
#include "tests/support/busybox_rootfs.hpp"

using stk::test::BusyboxRootfs;
using stk::test::slurp;
using stk::test::StackEnv;

namespace {

// The container's setup runs as the mapped root, which must pass through the state directory
// (as it can through /run/stack); the harness makes it 0700.
void let_mapped_root_traverse(const StackEnv& env) {
    std::filesystem::permissions(env.dir(), std::filesystem::perms(0711));
}

// The "Uid:" line of /proc/<pid>/status: real, effective, saved, fs.
std::string uid_line(pid_t pid) {
    std::smatch m;
    std::string status = slurp("/proc/" + std::to_string(pid) + "/status");
    return std::regex_search(status, m, std::regex("Uid:\\s*([^\\n]*)")) ? m[1].str() : "";
}

}  // namespace

TEST_CASE("container userns: uid 0 inside is an unprivileged uid outside, maps are visible") {
    StackEnv env;
    BusyboxRootfs rootfs;
    let_mapped_root_traverse(env);
    const uint32_t base = 200000 + static_cast<uint32_t>(::getpid() % 1000) * 65536;
    const std::string map = "0:" + std::to_string(base) + ":65536";
    const std::string rendered = "0 " + std::to_string(base) + " 65536";

    auto r = env.stack({"container", "run", "--rm", "--rootfs", rootfs.path().string(),
                        "--uidmap", map, "--", "sh", "-c",
                        "echo uid=$(id -u) gid=$(id -g); cat /proc/self/uid_map /proc/self/gid_map"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Catch::StartsWith("uid=0 gid=0\n"));
    // Both maps (gid defaults to the uid ranges), whitespace as the kernel pads it.
    std::string squeezed = std::regex_replace(r.out, std::regex("[ \\t]+"), " ");
    CHECK_THAT(squeezed, Catch::Contains("\n " + rendered + "\n " + rendered + "\n"));

    // Seen from the host, the container's processes run as `base`, not as root.
    const std::string name = env.name("uns");
    auto d = env.stack({"container", "run", "-d", "--name", name, "--rootfs",
                        rootfs.path().string(), "--uidmap", map, "--", "sleep", "60"});
    INFO(d.err);
    REQUIRE(d.code == 0);
    auto inspect = env.stack({"container", "inspect", name});
    std::smatch m;
    REQUIRE(std::regex_search(inspect.out, m, std::regex("\"pid\": ([0-9]+)")));
    const pid_t pid = static_cast<pid_t>(std::stol(m[1].str()));
    const std::string b = std::to_string(base);
    CHECK(std::regex_replace(uid_line(pid), std::regex("\\s+"), " ") == b + " " + b + " " + b + " " + b);
    // exec joins the same user namespace.
    auto e = env.stack({"container", "exec", name, "--", "sh", "-c", "id -u; cat /proc/self/uid_map"});
    INFO(e.err);
    CHECK(e.code == 0);
    CHECK_THAT(std::regex_replace(e.out, std::regex("[ \\t]+"), " "),
               Catch::Equals("0\n " + rendered + "\n"));
    CHECK(env.stack({"container", "rm", "-f", name}).code == 0);
    CHECK(env.clean());
}

TEST_CASE("container userns: a malformed map or one without root is refused clearly") {
    StackEnv env;
    BusyboxRootfs rootfs;
    auto bad = env.stack({"container", "run", "--rm", "--rootfs", rootfs.path().string(),
                          "--uidmap", "0:200000", "--", "true"});
    CHECK(bad.code == 125);
    CHECK_THAT(bad.err, Catch::Contains("--uidmap \"0:200000\""));
    auto empty = env.stack({"container", "run", "--rm", "--rootfs", rootfs.path().string(),
                            "--gidmap", "0:200000:0", "--", "true"});
    CHECK(empty.code == 125);
    CHECK_THAT(empty.err, Catch::Contains("--gidmap"));
    auto rootless = env.stack({"container", "run", "--rm", "--rootfs", rootfs.path().string(),
                               "--uidmap", "1:200000:100", "--", "true"});
    CHECK(rootless.code == 125);
    CHECK_THAT(rootless.err, Catch::Contains("must map container uid 0"));
    CHECK(env.clean());
}
