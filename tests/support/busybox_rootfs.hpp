#pragma once
// A minimal root filesystem from Debian's busybox-static in a temporary directory: the static
// binary, relative applet symlinks (an absolute link would point at the host's busybox), the
// usual top-level directories, and /etc/passwd and /etc/group with root and nobody.
// Header-only so any test area can use it; removed when the object dies.
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace stk::test {

class BusyboxRootfs {
public:
    explicit BusyboxRootfs(const std::string& busybox = "/bin/busybox") {
        std::string tmpl = (std::filesystem::temp_directory_path() / "stk-rootfs-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp " + tmpl);
        root_ = tmpl;
        namespace fs = std::filesystem;
        // mkdtemp makes it 0700: a container user other than root could not traverse it.
        fs::permissions(root_, fs::perms(0755));
        for (const char* d : {"bin", "sbin", "usr/bin", "usr/sbin", "etc", "proc", "sys", "dev",
                              "tmp", "root", "home", "var/tmp", "mnt", "run"})
            fs::create_directories(root_ / d);
        fs::permissions(root_ / "tmp", fs::perms::all | fs::perms::sticky_bit);
        fs::copy_file(busybox, root_ / "bin/busybox");
        fs::permissions(root_ / "bin/busybox", fs::perms(0755));
        for (const auto& applet : applets(busybox)) {
            if (applet == "busybox") continue;
            fs::path link = root_ / "bin" / applet;
            if (!fs::exists(fs::symlink_status(link))) fs::create_symlink("busybox", link);
        }
        write("etc/passwd",
              "root:x:0:0:root:/root:/bin/sh\n"
              "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
        write("etc/group", "root:x:0:\nnogroup:x:65534:\n");
        write("etc/hostname", "busybox\n");
    }
    ~BusyboxRootfs() {
        std::error_code ec;
        std::filesystem::remove_all(root_, ec);
    }
    BusyboxRootfs(const BusyboxRootfs&) = delete;
    BusyboxRootfs& operator=(const BusyboxRootfs&) = delete;

    const std::filesystem::path& path() const { return root_; }

    void write(const std::string& relative, const std::string& content) const {
        std::ofstream(root_ / relative) << content;
    }

private:
    static std::vector<std::string> applets(const std::string& busybox) {
        std::vector<std::string> out;
        std::string cmd = busybox + " --list";
        FILE* p = ::popen(cmd.c_str(), "r");
        if (!p) throw std::runtime_error("popen " + cmd);
        char line[256];
        while (std::fgets(line, sizeof line, p)) {
            std::string s(line);
            while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
            if (!s.empty()) out.push_back(s);
        }
        if (::pclose(p) != 0 || out.empty()) throw std::runtime_error(cmd + " failed");
        return out;
    }

    std::filesystem::path root_;
};

}  // namespace stk::test
