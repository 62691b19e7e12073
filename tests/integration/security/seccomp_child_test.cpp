// Runs the in-child security steps in a forked child (root on this machine) and checks the
// result from inside: the status flags, what the filter refuses and what it lets through.
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "runtime/security/capabilities.hpp"
#include "runtime/security/seccomp_cache.hpp"
#include "runtime/security/seccomp_program.hpp"
#include "tests/integration/security/private_run_root.hpp"
#include "runtime/sys/error.hpp"

using namespace stk::runtime;

namespace {

// Runs `body(write_line)` in a forked child; returns the "key=value" lines it wrote.
template <typename Body>
std::map<std::string, std::string> in_child(Body body) {
    int fds[2];
    REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        int out = fds[1];
        auto put = [out](const char* key, long long value) {
            char line[256];
            int n = std::snprintf(line, sizeof line, "%s=%lld\n", key, value);
            (void)!write(out, line, static_cast<size_t>(n));
        };
        try {
            body(put, out);
        } catch (const std::exception& e) {
            (void)!write(out, "error=", 6);
            (void)!write(out, e.what(), std::strlen(e.what()));
            (void)!write(out, "\n", 1);
        }
        _exit(0);
    }
    close(fds[1]);
    std::string text;
    char buf[4096];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    close(fds[0]);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    std::map<std::string, std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        auto eq = line.find('=');
        if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return out;
}

// Copies the "Key:\tvalue" lines of /proc/self/status that matter into the pipe.
void report_status(int out) {
    FILE* f = std::fopen("/proc/self/status", "re");
    if (!f) return;
    char line[512];
    while (std::fgets(line, sizeof line, f)) {
        const char* keys[] = {
            "CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:", "NoNewPrivs:", "Seccomp:"};
        for (const char* k : keys) {
            size_t len = std::strlen(k);
            if (std::strncmp(line, k, len) == 0) {
                std::string v = line + len;
                v.erase(0, v.find_first_not_of(" \t"));
                std::string l = std::string(k, len - 1) + "=" + v;
                (void)!write(out, l.data(), l.size());
            }
        }
    }
    std::fclose(f);
}

long long errno_of(long rc) { return rc == -1 ? errno : 0; }

long long try_clone(unsigned long flags) {
    long rc = syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
    if (rc == 0) _exit(0);
    if (rc > 0) {
        waitpid(static_cast<pid_t>(rc), nullptr, 0);
        return 0;
    }
    return errno;
}

std::string hex16(uint64_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

}  // namespace

TEST_CASE("default caps + no_new_privs + seccomp, seen from inside the child") {
    const uint64_t caps = resolve_capabilities(SecuritySpec{});
    const SeccompProgram& program = SeccompProgram::for_capabilities(caps);
    auto r = in_child([&](auto put, int out) {
        apply_capabilities_in_child(caps);
        set_no_new_privs_in_child();
        program.load_in_child();
        report_status(out);
        put("mount", errno_of(mount("none", "/mnt", "tmpfs", 0, nullptr)));
        put("unshare_net", errno_of(unshare(CLONE_NEWNET)));
        put("keyctl", errno_of(syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0)));
        put("clone_newns", try_clone(CLONE_NEWNS));
        put("clone_newpid", try_clone(CLONE_NEWPID));
        put("clone_plain", try_clone(0));
        put("clone3", errno_of(syscall(SYS_clone3, nullptr, 0)));
        put("setns", errno_of(setns(0, 0)));
        put("bpf", errno_of(syscall(SYS_bpf, 0, nullptr, 0)));
        put("io_uring_setup", errno_of(syscall(SYS_io_uring_setup, 1, nullptr)));
        put("personality_query", errno_of(syscall(SYS_personality, 0xffffffff)));
        put("personality_bad",
            errno_of(syscall(SYS_personality, 0x0400000 /* READ_IMPLIES_EXEC */)));
        put("vsock", errno_of(syscall(SYS_socket, 40 /* AF_VSOCK */, SOCK_STREAM, 0)));
        long sock = syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
        put("unix_socket", errno_of(sock));
        put("getpid_ok", getpid() > 0);
        timespec ts{};
        put("clock_gettime", errno_of(clock_gettime(CLOCK_MONOTONIC, &ts)));
        pid_t p = fork();
        if (p == 0) _exit(7);
        int st = 0;
        waitpid(p, &st, 0);
        put("fork_exit", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    });
    for (const auto& [k, v] : r) UNSCOPED_INFO(k << "=" << v);
    REQUIRE(r.count("error") == 0);
    CHECK(r["CapEff"] == hex16(0xa80425fb));
    CHECK(r["CapPrm"] == hex16(0xa80425fb));
    CHECK(r["CapBnd"] == hex16(0xa80425fb));
    CHECK(r["CapInh"] == hex16(0));
    CHECK(r["CapAmb"] == hex16(0));
    CHECK(r["NoNewPrivs"] == "1");
    CHECK(r["Seccomp"] == "2");
    CHECK(r["mount"] == std::to_string(EPERM));
    CHECK(r["unshare_net"] == std::to_string(EPERM));
    CHECK(r["keyctl"] == std::to_string(EPERM));
    CHECK(r["clone_newns"] == std::to_string(EPERM));
    CHECK(r["clone_newpid"] == std::to_string(EPERM));
    CHECK(r["clone_plain"] == "0");
    CHECK(r["clone3"] == std::to_string(ENOSYS));
    CHECK(r["setns"] == std::to_string(EPERM));
    CHECK(r["bpf"] == std::to_string(EPERM));
    CHECK(r["io_uring_setup"] == std::to_string(EPERM));
    CHECK(r["personality_query"] == "0");
    CHECK(r["personality_bad"] != "0");
    CHECK(r["vsock"] == std::to_string(EPERM));
    CHECK(r["unix_socket"] == "0");
    CHECK(r["getpid_ok"] == "1");
    CHECK(r["clock_gettime"] == "0");
    CHECK(r["fork_exit"] == "7");
}

TEST_CASE("with CAP_SYS_ADMIN added, unshare and clone3 are let through as docker does") {
    SecuritySpec spec;
    spec.cap_add = {"SYS_ADMIN"};
    const uint64_t caps = resolve_capabilities(spec);
    const SeccompProgram& program = SeccompProgram::for_capabilities(caps);
    CHECK(&program != &SeccompProgram::docker_default());
    auto r = in_child([&](auto put, int out) {
        apply_capabilities_in_child(caps);
        set_no_new_privs_in_child();
        program.load_in_child();
        report_status(out);
        put("unshare_net", errno_of(unshare(CLONE_NEWNET)));
        put("clone3", errno_of(syscall(SYS_clone3, nullptr, 0)));
        put("keyctl", errno_of(syscall(SYS_keyctl, 0, -3, 0)));
    });
    REQUIRE(r.count("error") == 0);
    CHECK(r["CapEff"] == hex16(0xa80425fb | (uint64_t{1} << CAP_SYS_ADMIN)));
    CHECK(r["Seccomp"] == "2");
    CHECK(r["unshare_net"] == "0");
    CHECK(r["clone3"] == std::to_string(EINVAL));  // reached the kernel: bad arguments
    CHECK(r["keyctl"] == std::to_string(EPERM));
}

TEST_CASE("programs are cached per capability-relevant variant") {
    const auto& a = SeccompProgram::docker_default();
    const auto& b = SeccompProgram::for_capabilities(docker_default_capabilities());
    // CAP_NET_ADMIN does not change the filter: same cached program.
    const auto& c = SeccompProgram::for_capabilities(docker_default_capabilities() |
                                                     (uint64_t{1} << CAP_NET_ADMIN));
    CHECK(&a == &b);
    CHECK(&a == &c);
    CHECK(a.instruction_count() > 10);
}

TEST_CASE("benchmark: loading the cached program vs compiling it") {
    const auto& program = SeccompProgram::for_capabilities(docker_default_capabilities() |
                                                           (uint64_t{1} << CAP_SYS_PTRACE));
    std::vector<double> loads;
    for (int i = 0; i < 15; ++i) {
        auto r = in_child([&](auto put, int) {
            set_no_new_privs_in_child();
            timespec a{}, b{};
            clock_gettime(CLOCK_MONOTONIC, &a);
            program.load_in_child();
            clock_gettime(CLOCK_MONOTONIC, &b);
            put("ns", (b.tv_sec - a.tv_sec) * 1'000'000'000LL + (b.tv_nsec - a.tv_nsec));
        });
        REQUIRE(r.count("ns"));
        loads.push_back(std::stod(r["ns"]) / 1e6);
    }
    std::sort(loads.begin(), loads.end());
    std::printf(
        "seccomp: %zu BPF instructions, compile+export %.3f ms (once), load min %.3f ms "
        "median %.3f ms (%zu loads)\n",
        program.instruction_count(), program.compile_ms(), loads.front(), loads[loads.size() / 2],
        loads.size());
    CHECK(loads.front() < program.compile_ms());
}

TEST_CASE("seccomp cache: a stored program is read back, a file of the wrong shape is ignored") {
    const uint64_t key = 0x5eed;
    CHECK_FALSE(load_cached_seccomp(key));
    std::vector<sock_filter> code = {{0x06, 0, 0, 0x7fff0000}, {0x06, 0, 0, 0x00050001}};
    store_cached_seccomp(key, code);
    auto back = load_cached_seccomp(key);
    REQUIRE(back);
    REQUIRE(back->size() == code.size());
    CHECK(std::memcmp(back->data(), code.data(), code.size() * sizeof(sock_filter)) == 0);

    auto dir = stk::testing::private_run_root().dir() / "seccomp";
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().filename().string().rfind("5eed-", 0) != 0) continue;  // other tests'
        ++files;
        std::ofstream(entry.path(), std::ios::trunc) << "12345";  // not a whole instruction
    }
    CHECK(files == 1);
    CHECK_FALSE(load_cached_seccomp(key));
}
