#pragma once
// Integration fixture for configure_mounts_in_child: a private temp dir holding a busybox
// rootfs and the run root; run() forks, unshares mount+pid(+uts+ipc; +user+net+cgroup when
// spec.user_namespace) namespaces, forks PID 1,
// sets up the mounts and execs a busybox shell script inside, returning its output and status.
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/mount/configure_in_child.hpp"
#include "runtime/rootfs/rootfs_layout.hpp"

namespace stk::test {

namespace fs = std::filesystem;

struct RunResult {
    int status = -1;  // exit code, or 128+signal
    std::string output;
    runtime::RootfsLayout layout;

    // Lines "key=value" printed by the script.
    std::map<std::string, std::string> facts() const {
        std::map<std::string, std::string> out;
        std::istringstream in(output);
        std::string line;
        while (std::getline(in, line)) {
            auto eq = line.find('=');
            if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
        }
        return out;
    }
};

inline std::string read_text(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// mountinfo writes space, tab, newline and backslash as octal escapes (a backslash is 134).
inline std::string decode_mountinfo(const std::string& field) {
    std::string out;
    for (size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size()) {
            out += static_cast<char>(std::stoi(field.substr(i + 1, 3), nullptr, 8));
            i += 3;
        } else {
            out += field[i];
        }
    }
    return out;
}

// Mount points at or below `dir` in the test's (host) mount namespace.
inline std::vector<std::string> host_mounts_below(const fs::path& dir) {
    std::vector<std::string> out;
    std::istringstream in(read_text("/proc/self/mountinfo"));
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream f(line);
        std::string id, parent, devno, root, point;
        f >> id >> parent >> devno >> root >> point;
        point = decode_mountinfo(point);
        if (point == dir.string() || point.rfind(dir.string() + "/", 0) == 0) out.push_back(point);
    }
    return out;
}

class MountFixture {
public:
    // `run_dir` names the run root inside the temp dir (tests use odd characters in it).
    explicit MountFixture(const std::string& run_dir = "run") {
        static std::atomic<int> counter{0};
        id_ = std::to_string(::getpid()) + "-" + std::to_string(counter++);
        base_ = fs::temp_directory_path() / ("stk-mnt-" + id_);
        fs::remove_all(base_);
        rootfs_ = base_ / "rootfs";
        run_root_ = base_ / run_dir;
        fs::create_directories(run_root_);
        ::setenv("STACK_RUN_ROOT", run_root_.c_str(), 1);
        ::setenv("STACK_DATA_ROOT", (base_ / "data").c_str(), 1);
        build_busybox_rootfs(rootfs_);
    }
    ~MountFixture() {
        for (auto it = names_.rbegin(); it != names_.rend(); ++it) runtime::remove_rootfs_dirs(*it);
        auto left = host_mounts_below(base_);
        for (auto it = left.rbegin(); it != left.rend(); ++it) ::umount2(it->c_str(), MNT_DETACH);
        std::error_code ec;
        if (host_mounts_below(base_).empty()) fs::remove_all(base_, ec);
    }
    MountFixture(const MountFixture&) = delete;
    MountFixture& operator=(const MountFixture&) = delete;

    const fs::path& base() const { return base_; }
    const fs::path& rootfs() const { return rootfs_; }
    const fs::path& run_root() const { return run_root_; }

    // A spec for the busybox rootfs with a unique name.
    runtime::ContainerSpec spec() {
        runtime::ContainerSpec s;
        s.name = "stkmnt" + id_ + "-" + std::to_string(names_.size());
        names_.push_back(s.name);
        s.rootfs.kind = runtime::RootfsSpec::Kind::Directory;
        s.rootfs.directory = rootfs_;
        return s;
    }

    static void build_busybox_rootfs(const fs::path& root) {
        fs::create_directories(root / "bin");
        fs::create_directories(root / "etc");
        fs::create_directories(root / "tmp");
        fs::copy_file("/bin/busybox", root / "bin/busybox");
        // Relative links: `busybox --install -s` would point at the host's /bin/busybox.
        for (const char* applet :
             {"sh", "cat", "ls", "echo", "grep", "id", "stat", "touch", "readlink", "head", "wc",
              "mkdir", "awk", "pwd", "test", "printf", "rm", "tr", "hostname"})
            fs::create_symlink("busybox", root / "bin" / applet);
        std::ofstream(root / "etc/passwd") << "root:x:0:0:root:/root:/bin/sh\n";
        std::ofstream(root / "etc/group") << "root:x:0:\n";
    }

    // Runs `script` with busybox sh inside a container made from `spec`.
    RunResult run(const runtime::ContainerSpec& spec, const std::string& script) {
        RunResult r;
        r.layout = runtime::prepare_rootfs_dirs(spec);
        int pipefd[2];
        if (::pipe2(pipefd, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
        pid_t pid = ::fork();
        if (pid == 0) {
            ::close(pipefd[0]);
            _exit(child(spec, r.layout, script, pipefd[1]));
        }
        ::close(pipefd[1]);
        char buf[4096];
        ssize_t n;
        while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) r.output.append(buf, n);
        ::close(pipefd[0]);
        int status = 0;
        ::waitpid(pid, &status, 0);
        r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return r;
    }

private:
    static bool write_proc(const char* path, const char* value) {
        int fd = ::open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0) return false;
        bool ok =
            ::write(fd, value, std::strlen(value)) == static_cast<ssize_t>(std::strlen(value));
        ::close(fd);
        return ok;
    }

    // The first child: new namespaces, then PID 1 of the new pid namespace.
    static int child(const runtime::ContainerSpec& spec, const runtime::RootfsLayout& layout,
                     const std::string& script, int out_fd) {
        int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;
        if (spec.user_namespace) {
            // Root mapped to root, one id: enough to lose host privilege over the mounts (no
            // mknod, locked host mounts). sysfs and cgroup2 want net/cgroup ns of this userns.
            if (::unshare(CLONE_NEWUSER) != 0 || !write_proc("/proc/self/setgroups", "deny") ||
                !write_proc("/proc/self/uid_map", "0 0 1") ||
                !write_proc("/proc/self/gid_map", "0 0 1")) {
                ::dprintf(out_fd, "user namespace setup failed: %s\n", std::strerror(errno));
                return 126;
            }
            flags |= CLONE_NEWNET | CLONE_NEWCGROUP;
        }
        if (::unshare(flags) != 0) {
            ::dprintf(out_fd, "unshare failed: %s\n", std::strerror(errno));
            return 126;
        }
        pid_t init = ::fork();
        if (init == 0) {
            ::dup2(out_fd, 1);
            ::dup2(out_fd, 2);
            try {
                runtime::configure_mounts_in_child(spec, layout);
            } catch (const std::exception& e) {
                ::dprintf(2, "SETUP-ERROR: %s\n", e.what());
                _exit(125);
            }
            const char* argv[] = {"sh", "-c", script.c_str(), nullptr};
            const char* envp[] = {"PATH=/bin:/usr/bin:/sbin:/usr/sbin", nullptr};
            ::execve("/bin/busybox", const_cast<char**>(argv), const_cast<char**>(envp));
            ::dprintf(2, "SETUP-ERROR: exec busybox failed\n");
            _exit(127);
        }
        ::close(out_fd);
        int status = 0;
        if (init < 0 || ::waitpid(init, &status, 0) != init) return 126;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

    std::string id_;
    fs::path base_, rootfs_, run_root_;
    std::vector<std::string> names_;
};

}  // namespace stk::test
