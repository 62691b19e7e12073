// Time to make a container's root from an image already in the store: resolve the reference
// (refs, manifest, config, layer markers), make the container's upper/work/merged directories
// and mount the overlay of the layers. No layer content is copied: the figure printed last is
// the bytes in the container's directories after the mount. Also prints the one-time import
// (unpack) time. Run as root; everything lives in a private temp dir and mount namespace.
//   bench_rootfs [iterations] [layers]
#include <sched.h>
#include <sys/mount.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "image/archive/import_archive.hpp"
#include "runtime/rootfs/root_mount.hpp"
#include "runtime/rootfs/rootfs_layout.hpp"
#include "tests/support/busybox_image.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

void print_stats(const char* what, std::vector<double> v) {
    std::sort(v.begin(), v.end());
    std::printf("%-34s median %.3f ms  p95 %.3f ms  max %.3f ms  (n=%zu)\n", what, v[v.size() / 2],
                v[v.size() * 95 / 100], v.back(), v.size());
}

uint64_t bytes_under(const fs::path& dir) {
    uint64_t total = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) total += e.file_size();
    return total;
}

}  // namespace

int main(int argc, char** argv) {
    int iterations = argc > 1 ? std::atoi(argv[1]) : 200;
    if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        std::perror("private mount namespace (run as root)");
        return 1;
    }
    stk::test::TempDir dir("stk-bench-rootfs");
    ::setenv("STACK_DATA_ROOT", (dir / "data").c_str(), 1);
    ::setenv("STACK_RUN_ROOT", (dir / "run").c_str(), 1);
    stk::image::ImageStore store;
    stk::test::BusyboxImage img({.reference = "bench/busybox:1"});

    auto t0 = Clock::now();
    stk::image::import_archive(store, img.oci_archive());
    std::printf("import + unpack of a %zu-layer busybox image (%.1f MB)  %.1f ms (once per image)\n",
                img.manifest().layers.size(), store.resolve("bench/busybox:1").size / 1e6, ms(Clock::now() - t0));

    std::vector<double> total, resolve, mount;
    uint64_t copied = 0;
    for (int i = 0; i < iterations; ++i) {
        stk::runtime::ContainerSpec spec;
        spec.name = "stkbench" + std::to_string(i);
        auto a = Clock::now();
        stk::image::ImageRecord r = store.resolve("bench/busybox:1");
        auto b = Clock::now();
        spec.rootfs.kind = stk::runtime::RootfsSpec::Kind::Layers;
        spec.rootfs.lower_dirs = r.lower_dirs();
        auto layout = stk::runtime::prepare_rootfs_dirs(spec);
        auto c = Clock::now();
        stk::runtime::mount_root_in_child(spec.rootfs, layout, false);
        auto d = Clock::now();
        total.push_back(ms(d - a));
        resolve.push_back(ms(b - a));
        mount.push_back(ms(d - c));
        if (!fs::exists(layout.merged / "bin/busybox")) {
            std::fprintf(stderr, "merged root lacks /bin/busybox\n");
            return 1;
        }
        copied += bytes_under(layout.upper) + bytes_under(layout.work);
        ::umount2(layout.merged.c_str(), MNT_DETACH);
        stk::runtime::remove_rootfs_dirs(spec.name);
    }
    print_stats("resolve (refs, manifest, config)", resolve);
    print_stats("overlay mount", mount);
    print_stats("container root total (target < 5)", total);
    std::printf("bytes copied into container dirs: %llu\n", static_cast<unsigned long long>(copied));
    return 0;
}
