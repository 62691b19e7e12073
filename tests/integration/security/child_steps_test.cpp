// The other in-child steps for real (root): sysctls in fresh namespaces even when /proc/sys is
// read-only, rlimits, capabilities after setuid, and ordinary programs exec'd under the filter.
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>

#include "runtime/security/capabilities.hpp"
#include "runtime/security/rlimits.hpp"
#include "runtime/security/seccomp_program.hpp"
#include "tests/integration/security/private_run_root.hpp"
#include "runtime/security/sysctls.hpp"
#include "runtime/sys/file_util.hpp"

using namespace stk::runtime;

namespace {

// Runs `body` in a forked child whose stdout and stderr go to a pipe; returns (exit code,
// output). `body` returns the exit code, or exec()s.
template <typename Body>
std::pair<int, std::string> run_child(Body body) {
    int fds[2];
    REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
    std::fflush(nullptr);  // or the child would print the parent's pending output again
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        int code = 99;
        try {
            code = body();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "error: %s\n", e.what());
        }
        std::fflush(nullptr);
        _exit(code);
    }
    close(fds[1]);
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), out};
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

}  // namespace

TEST_CASE("sysctls are written in the child's namespaces, also with /proc/sys read-only") {
    const std::string host_port =
        trimmed(stk::read_file("/proc/sys/net/ipv4/ip_unprivileged_port_start"));
    const std::string host_shmmni = trimmed(stk::read_file("/proc/sys/kernel/shmmni"));
    auto [code, out] = run_child([] {
        if (unshare(CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWNS) != 0) return 10;
        if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return 11;
        // What configure_mounts_in_child leaves behind: /proc/sys bound read-only.
        if (mount("/proc/sys", "/proc/sys", nullptr, MS_BIND | MS_REC, nullptr) != 0) return 12;
        if (mount(nullptr, "/proc/sys", nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0)
            return 13;
        apply_sysctls_in_child(
            {{"net.ipv4.ip_unprivileged_port_start", "80"}, {"kernel.shmmni", "1234"}});
        std::printf(
            "%s %s\n",
            trimmed(stk::read_file("/proc/sys/net/ipv4/ip_unprivileged_port_start")).c_str(),
            trimmed(stk::read_file("/proc/sys/kernel/shmmni")).c_str());
        return 0;
    });
    INFO(out);
    CHECK(code == 0);
    CHECK(trimmed(out) == "80 1234");
    // The host's values are untouched.
    CHECK(trimmed(stk::read_file("/proc/sys/net/ipv4/ip_unprivileged_port_start")) == host_port);
    CHECK(trimmed(stk::read_file("/proc/sys/kernel/shmmni")) == host_shmmni);

    auto [code2, out2] = run_child([] {
        apply_sysctls_in_child({{"kernel.hostname", "x"}});
        return 0;
    });
    CHECK(code2 == 99);
    CHECK_THAT(out2, Catch::Contains("\"kernel.hostname\" is not namespaced"));
}

TEST_CASE("rlimits are applied in the child, clamped to what the host allows") {
    std::vector<std::string> warnings;
    auto plan = plan_rlimits({{"nofile", 1024, 100000000}, {"core", 0, 0}}, warnings);
    auto [code, out] = run_child([&] {
        apply_rlimits_in_child(plan);
        rlimit nofile{}, core{};
        getrlimit(RLIMIT_NOFILE, &nofile);
        getrlimit(RLIMIT_CORE, &core);
        std::printf("%llu %llu %llu\n", static_cast<unsigned long long>(nofile.rlim_cur),
                    static_cast<unsigned long long>(nofile.rlim_max),
                    static_cast<unsigned long long>(core.rlim_max));
        return 0;
    });
    INFO(out);
    CHECK(code == 0);
    rlimit host{};
    getrlimit(RLIMIT_NOFILE, &host);
    const bool clamped = !warnings.empty();
    const unsigned long long hard = clamped ? host.rlim_max : 100000000ull;
    CHECK(trimmed(out) == "1024 " + std::to_string(hard) + " 0");
}

TEST_CASE("capabilities survive setuid with PR_SET_KEEPCAPS and are set to the mask") {
    const uint64_t caps = resolve_capabilities(SecuritySpec{});
    auto [code, out] = run_child([&] {
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) return 10;
        if (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0) return 11;
        apply_capabilities_in_child(caps);
        std::string status = stk::read_file("/proc/self/status");
        for (const char* key : {"Uid:", "CapEff:", "CapBnd:", "CapInh:", "CapAmb:"}) {
            auto at = status.find(key);
            std::printf("%s\n", status.substr(at, status.find('\n', at) - at).c_str());
        }
        return prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0);
    });
    INFO(out);
    CHECK(code == 0);  // keepcaps turned off again
    CHECK_THAT(out, Catch::Contains("Uid:\t65534"));
    CHECK_THAT(out, Catch::Contains("CapEff:\t00000000a80425fb"));
    CHECK_THAT(out, Catch::Contains("CapBnd:\t00000000a80425fb"));
    CHECK_THAT(out, Catch::Contains("CapInh:\t0000000000000000"));
    CHECK_THAT(out, Catch::Contains("CapAmb:\t0000000000000000"));
}

TEST_CASE("ordinary programs run under the default filter") {
    const auto& program = SeccompProgram::docker_default();
    const uint64_t caps = docker_default_capabilities();
    auto [code, out] = run_child([&] {
        apply_capabilities_in_child(caps);
        set_no_new_privs_in_child();
        program.load_in_child();
        // A dynamic glibc shell: ld.so, rseq, clone for the pipeline, exec, wait.
        execl("/bin/sh", "sh", "-c",
              "ls / >/dev/null && echo hello | tr a-z A-Z && grep Seccomp: /proc/self/status && "
              "(unshare -n true 2>/dev/null && echo unshare-allowed || echo unshare-refused)",
              static_cast<char*>(nullptr));
        return 98;
    });
    INFO(out);
    CHECK(code == 0);
    CHECK_THAT(out, Catch::Contains("HELLO"));
    CHECK_THAT(out, Catch::Contains("Seccomp:\t2"));
    CHECK_THAT(out, Catch::Contains("unshare-refused"));
}
