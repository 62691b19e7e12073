#include "runtime/security/seccomp_cache.hpp"

#include <fmt/format.h>
#include <seccomp.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "runtime/sys/file_util.hpp"
#include "runtime/sys/log.hpp"
#include "runtime/sys/paths.hpp"

namespace stk::runtime {
namespace {

// Names what produced a program: this binary, this libseccomp, this kernel.
std::optional<std::string> producer_tag() {
    struct stat st{};
    if (::stat("/proc/self/exe", &st) != 0) return std::nullopt;
    utsname u{};
    if (::uname(&u) != 0) return std::nullopt;
    const scmp_version* v = seccomp_version();
    return fmt::format("{:x}-{:x}-{:x}-{:x}.{:x}-{}.{}.{}-{}", st.st_dev, st.st_ino, st.st_size,
                       st.st_mtim.tv_sec, st.st_mtim.tv_nsec, v->major, v->minor, v->micro,
                       u.release);
}

std::optional<std::filesystem::path> cache_file(uint64_t key) {
    auto tag = producer_tag();
    if (!tag) return std::nullopt;
    return run_root() / "seccomp" / fmt::format("{:x}-{}.bpf", key, *tag);
}

}  // namespace

std::optional<std::vector<sock_filter>> load_cached_seccomp(uint64_t key) noexcept {
    try {
        auto file = cache_file(key);
        if (!file) return std::nullopt;
        auto bytes = read_file_if_exists(*file);
        if (!bytes || bytes->empty() || bytes->size() % sizeof(sock_filter) != 0 ||
            bytes->size() / sizeof(sock_filter) > BPF_MAXINSNS)
            return std::nullopt;
        std::vector<sock_filter> code(bytes->size() / sizeof(sock_filter));
        std::memcpy(code.data(), bytes->data(), bytes->size());
        return code;
    } catch (const std::exception& e) {
        spdlog::debug("seccomp cache: {}", e.what());
        return std::nullopt;
    }
}

void store_cached_seccomp(uint64_t key, const std::vector<sock_filter>& code) noexcept {
    try {
        auto file = cache_file(key);
        if (!file) return;
        const auto dir = file->parent_path();
        std::filesystem::create_directories(dir);
        // Programs of an earlier build or kernel are never read again.
        const std::string tag = file->filename().string().substr(file->filename().string().find('-'));
        for (const auto& entry : std::filesystem::directory_iterator(dir)) {
            const std::string name = entry.path().filename().string();
            auto dash = name.find('-');
            if (dash == std::string::npos || name.substr(dash) != tag) {
                std::error_code ignored;
                std::filesystem::remove(entry.path(), ignored);
            }
        }
        write_file_atomic(*file,
                          std::string_view(reinterpret_cast<const char*>(code.data()),
                                           code.size() * sizeof(sock_filter)),
                          0600, FileSync::Volatile);
    } catch (const std::exception& e) {
        spdlog::debug("seccomp cache: {}", e.what());
    }
}

}  // namespace stk::runtime
