#include "image/build/builder/run_step.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>

#include <fmt/format.h>

#include "runtime/container.hpp"
#include "runtime/rootfs/rootfs_layout.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/log.hpp"
#include "runtime/sys/paths.hpp"
#include "runtime/sys/unique_fd.hpp"

extern char** environ;

namespace stk::build {
namespace fs = std::filesystem;

namespace {
constexpr size_t kTailLines = 12;
}

std::string build_container_name() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    return fmt::format("stkb{:012x}", rng() & 0xffffffffffffULL);
}

RunStep::~RunStep() { remove(); }

void RunStep::remove() noexcept {
    if (created_) {
        try {
            if (runtime::find_container(spec_.container_name))
                runtime::remove_container(spec_.container_name, true);
            else
                runtime::remove_rootfs_dirs(spec_.container_name);
        } catch (const std::exception& e) {
            spdlog::warn("remove build container \"{}\": {}", spec_.container_name, e.what());
        }
        created_ = false;
    }
    if (!empty_lower_.empty()) {
        std::error_code ec;
        fs::remove_all(empty_lower_.parent_path(), ec);
        empty_lower_.clear();
    }
}

RunStepResult RunStep::run(const std::function<void(const std::string&)>& on_line) {
    std::vector<std::string> args = {spec_.stack_binary.string(), "container", "run",
                                     "--name", spec_.container_name, "--network", "none",
                                     "--hostname", "buildkitsandbox"};
    auto lowers = spec_.lower_dirs;
    if (lowers.empty()) {  // FROM scratch: overlayfs wants at least one lower dir
        empty_lower_ = run_root() / "build" / spec_.container_name / "empty";
        fs::create_directories(empty_lower_);
        lowers.push_back(empty_lower_);
    }
    for (const auto& l : lowers) {
        args.push_back("--layer");
        args.push_back(l.string());
    }
    for (const auto& e : spec_.env) {
        args.push_back("-e");
        args.push_back(e);
    }
    for (const auto& v : spec_.volumes) args.insert(args.end(), {"-v", v});
    if (!spec_.cwd.empty()) args.insert(args.end(), {"--workdir", spec_.cwd});
    if (!spec_.user.empty()) args.insert(args.end(), {"--user", spec_.user});
    args.push_back("--");
    args.insert(args.end(), spec_.argv.begin(), spec_.argv.end());

    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) throw_errno("pipe");
    UniqueFd rd(p[0]), wr(p[1]);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, wr.get(), 1);
    posix_spawn_file_actions_adddup2(&fa, wr.get(), 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    created_ = true;  // from here on, whatever the child made is ours to remove
    int err = ::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    wr.reset();
    if (err != 0) throw SysError(fmt::format("start \"{}\"", args[0]), err);

    RunStepResult result;
    std::string pending;
    char buf[8192];
    auto line_out = [&](std::string line) {
        on_line(line);
        result.tail.push_back(std::move(line));
        if (result.tail.size() > kTailLines) result.tail.pop_front();
    };
    for (;;) {
        ssize_t n = ::read(rd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        pending.append(buf, static_cast<size_t>(n));
        for (size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
            line_out(pending.substr(0, nl));
            pending.erase(0, nl + 1);
        }
    }
    if (!pending.empty()) line_out(pending);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) throw_errno("waitpid");
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.upper_dir = runtime::rootfs_layout_for(spec_.container_name).upper;
    return result;
}

}  // namespace stk::build
