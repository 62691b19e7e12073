// `stack container run` on a busybox rootfs: namespaces, PID 1, security defaults, masks.
#include <catch2/catch.hpp>
#include <unistd.h>

#include "tests/integration/container/container_harness.hpp"
#include "tests/support/busybox_rootfs.hpp"

using stk::test::BusyboxRootfs;
using stk::test::StackEnv;

namespace {

std::vector<std::string> run_args(const BusyboxRootfs& rootfs, std::vector<std::string> flags,
                                  std::vector<std::string> cmd) {
    std::vector<std::string> a{"container", "run", "--rm", "--rootfs", rootfs.path().string()};
    a.insert(a.end(), flags.begin(), flags.end());
    a.push_back("--");
    a.insert(a.end(), cmd.begin(), cmd.end());
    return a;
}

}  // namespace

TEST_CASE("container: PID 1 is the init and host processes are invisible") {
    StackEnv env;
    BusyboxRootfs rootfs;
    std::string script =
        "echo sh=$$; echo procs=$(ls /proc | grep -c '^[0-9]'); "
        "kill -0 " + std::to_string(::getpid()) + " 2>/dev/null && echo host-visible; "
        "cat /proc/1/status | grep NoNewPrivs";
    auto r = env.stack(run_args(rootfs, {"--name", env.name("a")}, {"sh", "-c", script}));
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("sh=2\n") != std::string::npos);  // PID 1 is ours, the service is 2
    // PID 1, sh, the $(...) subshell, ls and grep at most: nothing of the host.
    auto pos = r.out.find("procs=");
    REQUIRE(pos != std::string::npos);
    CHECK(std::stoi(r.out.substr(pos + 6)) <= 6);
    CHECK(r.out.find("host-visible") == std::string::npos);
    CHECK(env.clean());
}

TEST_CASE("container: hostname is isolated") {
    StackEnv env;
    BusyboxRootfs rootfs;
    char host[256] = {};
    ::gethostname(host, sizeof host);
    auto r = env.stack(run_args(rootfs, {"--hostname", "stkbox"}, {"hostname"}));
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out == "stkbox\n");
    char after[256] = {};
    ::gethostname(after, sizeof after);
    CHECK(std::string(host) == after);
    CHECK(env.clean());
}

TEST_CASE("container: default capabilities, NoNewPrivs and seccomp in /proc/self/status") {
    StackEnv env;
    BusyboxRootfs rootfs;
    auto r = env.stack(run_args(rootfs, {}, {"cat", "/proc/self/status"}));
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("CapInh:\t0000000000000000") != std::string::npos);
    CHECK(r.out.find("CapPrm:\t00000000a80425fb") != std::string::npos);
    CHECK(r.out.find("CapEff:\t00000000a80425fb") != std::string::npos);
    CHECK(r.out.find("CapBnd:\t00000000a80425fb") != std::string::npos);
    CHECK(r.out.find("CapAmb:\t0000000000000000") != std::string::npos);
    CHECK(r.out.find("NoNewPrivs:\t1") != std::string::npos);
    CHECK(r.out.find("Seccomp:\t2") != std::string::npos);
    CHECK(env.clean());
}

TEST_CASE("container: cap-drop ALL, a user and seccomp=unconfined change the status") {
    StackEnv env;
    BusyboxRootfs rootfs;
    auto r = env.stack(run_args(rootfs,
                                {"--cap-drop", "ALL", "-u", "nobody", "--security-opt",
                                 "seccomp=unconfined"},
                                {"sh", "-c", "id -u; id -g; cat /proc/self/status"}));
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.rfind("65534\n65534\n", 0) == 0);
    CHECK(r.out.find("CapBnd:\t0000000000000000") != std::string::npos);
    CHECK(r.out.find("Seccomp:\t0") != std::string::npos);
    CHECK(env.clean());
}

TEST_CASE("container: mount and unshare fail inside") {
    StackEnv env;
    BusyboxRootfs rootfs;
    auto r = env.stack(run_args(
        rootfs, {},
        {"sh", "-c",
         "mount -t tmpfs none /mnt && echo mounted; unshare -n true && echo unshared; "
         "unshare -m true && echo unshared-m; echo done"}));
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out == "done\n");
    CHECK(env.clean());
}

TEST_CASE("container: keyctl fails inside the host view") {
    if (!std::filesystem::exists("/usr/bin/keyctl")) {
        WARN("keyutils is not installed (scripts/install-deps.sh installs it)");
        return;
    }
    StackEnv env;
    auto r = env.stack({"container", "run", "--rm", "--rootfs", "host", "--", "/bin/sh", "-c",
                        "keyctl add user stk v @s && echo added; echo done"});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out == "done\n");
    CHECK(env.clean());
}

TEST_CASE("container: masked /proc paths and a read-only /sys") {
    StackEnv env;
    BusyboxRootfs rootfs;
    auto r = env.stack(run_args(
        rootfs, {},
        {"sh", "-c",
         "for f in /proc/kcore /proc/keys /proc/timer_list; do "
         "[ -e $f ] && echo $f=$(cat $f | wc -c); done; "
         "touch /sys/stk 2>/dev/null && echo sys-writable; "
         "echo rw-sys-mounts=$(grep ' /sys ' /proc/self/mountinfo | grep -vc ' ro,'); "
         "echo sys-mounts=$(grep -c ' /sys ' /proc/self/mountinfo); echo done"}));
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("/proc/keys=0") != std::string::npos);
    CHECK(r.out.find("/proc/timer_list=0") != std::string::npos);
    if (r.out.find("/proc/kcore") != std::string::npos)
        CHECK(r.out.find("/proc/kcore=0") != std::string::npos);
    CHECK(r.out.find("sys-writable") == std::string::npos);
    CHECK(r.out.find("rw-sys-mounts=0\n") != std::string::npos);
    CHECK(r.out.find("\nsys-mounts=0\n") == std::string::npos);
    CHECK(env.clean());
}

TEST_CASE("container: the host view runs host programs without changing the host") {
    StackEnv env;
    std::string marker = "/etc/stk-hostview-" + env.id();
    auto r = env.stack({"container", "run", "--rm", "--rootfs", "host", "--", "/bin/sh", "-c",
                        "cat /etc/debian_version >/dev/null && echo ok > " + marker +
                            " && cat " + marker});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out == "ok\n");
    CHECK_FALSE(std::filesystem::exists(marker));
    CHECK(env.clean());
}

TEST_CASE("container: a symlink to a host file cannot be used as a mount target") {
    StackEnv env;
    BusyboxRootfs rootfs;
    auto victim = env.dir() / "victim";
    { std::ofstream(victim) << "original\n"; }
    auto source = env.dir() / "source";
    { std::ofstream(source) << "bind source\n"; }
    std::filesystem::create_symlink(victim, rootfs.path() / "evil");
    auto r = env.stack(run_args(rootfs, {"-v", source.string() + ":/evil"},
                                {"sh", "-c", "echo pwned > /evil; cat /evil"}));
    INFO(r.out << r.err);
    CHECK(stk::test::slurp(victim) == "original\n");
    CHECK(env.clean());
}

TEST_CASE("container: a failed creation leaves nothing behind") {
    StackEnv env;
    BusyboxRootfs rootfs;
    auto r = env.stack(run_args(rootfs, {"--name", env.name("bad"), "-u", "nosuchuser"},
                                {"true"}));
    CHECK(r.code == 125);
    CHECK(r.err.find("nosuchuser") != std::string::npos);
    CHECK(env.clean());
}
