// `stack container run|exec|kill|stop|ps|inspect|rm`: the runtime's plumbing command, with
// docker-like flags. Exit code of `run` (without -d) and `exec` is the command's (128+N when
// killed by signal N); 125 when stack itself failed, 126/127 when the command could not run.
#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <csignal>
#include <cstring>
#include <iostream>
#include <random>

#include "orchestrator/cli/commands.hpp"
#include "orchestrator/cli/userns_options.hpp"
#include "runtime/container.hpp"
#include "runtime/process/pty.hpp"
#include "runtime/state/state_store.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/log.hpp"
#include "runtime/sys/paths.hpp"

namespace stk::cli {
namespace {

using namespace stk::runtime;

constexpr int kStackFailed = 125;

struct RunOptions {
    std::string rootfs;
    std::vector<std::string> layers;
    std::string name, hostname, workdir, user, network = "none", shm_size, memory, memory_swap;
    std::vector<std::string> env, volumes, tmpfs, cap_add, cap_drop, security_opts, ulimits,
        sysctls, labels, uidmap, gidmap;
    int64_t pids_limit = 0;
    double cpus = 0;
    bool privileged = false, read_only = false, init = false, rm = false, detach = false,
         tty = false;
    std::string stop_signal;
    double stop_timeout = -1;
    std::vector<std::string> command;
};

uint64_t parse_size(const std::string& text) {
    size_t pos = 0;
    double value = 0;
    try {
        value = std::stod(text, &pos);
    } catch (const std::exception&) {
        throw Error(fmt::format("invalid size \"{}\"", text));
    }
    std::string unit = text.substr(pos);
    for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!unit.empty() && unit.back() == 'b') unit.pop_back();
    double mult = 1;
    if (unit == "k") mult = 1024.0;
    else if (unit == "m") mult = 1024.0 * 1024;
    else if (unit == "g") mult = 1024.0 * 1024 * 1024;
    else if (!unit.empty()) throw Error(fmt::format("invalid size \"{}\"", text));
    if (value < 0) throw Error(fmt::format("invalid size \"{}\"", text));
    return static_cast<uint64_t>(value * mult);
}

int parse_signal(std::string s) {
    if (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0]))) return std::stoi(s);
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (s.rfind("SIG", 0) == 0) s = s.substr(3);
    for (int sig = 1; sig < NSIG; ++sig) {
        const char* abbrev = sigabbrev_np(sig);
        if (abbrev && s == abbrev) return sig;
    }
    throw Error(fmt::format("unknown signal \"{}\"", s));
}

std::pair<std::string, std::string> split_once(const std::string& s, char sep) {
    auto pos = s.find(sep);
    if (pos == std::string::npos) return {s, ""};
    return {s.substr(0, pos), s.substr(pos + 1)};
}

std::string random_name() {
    std::random_device rd;
    return fmt::format("stk{:08x}{:04x}", rd(), rd() & 0xffff);
}

MountSpec parse_volume(const std::string& text) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t pos; (pos = text.find(':', start)) != std::string::npos; start = pos + 1)
        parts.push_back(text.substr(start, pos - start));
    parts.push_back(text.substr(start));
    if (parts.size() < 2 || parts.size() > 3 || parts[1].empty() || parts[1][0] != '/')
        throw Error(fmt::format("invalid volume \"{}\": use SRC:DST[:ro|rw]", text));
    MountSpec m;
    m.target = parts[1];
    if (parts.size() == 3) {
        if (parts[2] == "ro") m.read_only = true;
        else if (parts[2] != "rw") throw Error(fmt::format("invalid volume mode \"{}\"", parts[2]));
    }
    if (!parts[0].empty() && parts[0][0] == '/') {
        m.kind = MountSpec::Kind::Bind;
        m.source = parts[0];
    } else {
        validate_container_name(parts[0]);  // same character rules as docker volume names
        m.kind = MountSpec::Kind::Volume;
        m.source = data_root() / "volumes" / parts[0];
        std::filesystem::create_directories(m.source);
    }
    return m;
}

MountSpec parse_tmpfs(const std::string& text) {
    auto [target, opts] = split_once(text, ':');
    if (target.empty() || target[0] != '/')
        throw Error(fmt::format("invalid tmpfs \"{}\": use DST[:size=N,mode=M]", text));
    MountSpec m;
    m.kind = MountSpec::Kind::Tmpfs;
    m.target = target;
    size_t start = 0;
    while (start < opts.size()) {
        size_t end = opts.find(',', start);
        if (end == std::string::npos) end = opts.size();
        auto [k, v] = split_once(opts.substr(start, end - start), '=');
        if (k == "size") m.tmpfs_size = parse_size(v);
        else if (k == "mode") m.tmpfs_mode = static_cast<unsigned>(std::stoul(v, nullptr, 8));
        else if (k == "ro") m.read_only = true;
        else throw Error(fmt::format("unknown tmpfs option \"{}\"", k));
        start = end + 1;
    }
    return m;
}

ContainerSpec build_spec(const RunOptions& o) {
    ContainerSpec spec;
    spec.name = o.name.empty() ? random_name() : o.name;
    validate_container_name(spec.name);
    spec.hostname = o.hostname.empty() ? spec.name.substr(0, 12) : o.hostname;
    if (!o.layers.empty()) {
        spec.rootfs.kind = RootfsSpec::Kind::Layers;
        for (const auto& l : o.layers) spec.rootfs.lower_dirs.push_back(std::filesystem::absolute(l));
    } else if (o.rootfs == "host") {
        spec.rootfs.kind = RootfsSpec::Kind::HostView;
    } else if (!o.rootfs.empty()) {
        spec.rootfs.directory = std::filesystem::absolute(o.rootfs);
    } else {
        throw Error("--rootfs DIR|host (or --layer DIR...) is required");
    }
    spec.rootfs.read_only = o.read_only;
    spec.process.args = o.command;
    spec.process.env = o.env;
    for (const auto& e : spec.process.env)
        if (e.find('=') == std::string::npos)
            throw Error(fmt::format("invalid environment variable \"{}\": use K=V", e));
    if (!o.workdir.empty()) spec.process.cwd = o.workdir;
    spec.process.user = o.user;
    spec.process.tty = o.tty;
    if (!o.stop_signal.empty()) spec.process.stop_signal = parse_signal(o.stop_signal);
    if (o.stop_timeout >= 0)
        spec.process.stop_grace = std::chrono::milliseconds(static_cast<int64_t>(o.stop_timeout * 1000));
    for (const auto& v : o.volumes) spec.mounts.push_back(parse_volume(v));
    for (const auto& t : o.tmpfs) spec.mounts.push_back(parse_tmpfs(t));
    if (!o.memory.empty()) spec.resources.memory_limit = static_cast<int64_t>(parse_size(o.memory));
    if (!o.memory_swap.empty())
        spec.resources.memory_swap_limit =
            o.memory_swap == "-1" ? -1 : static_cast<int64_t>(parse_size(o.memory_swap));
    if (o.pids_limit != 0) spec.resources.pids_limit = o.pids_limit;
    if (o.cpus > 0) spec.resources.cpus = o.cpus;
    if (!o.shm_size.empty()) spec.resources.shm_size = parse_size(o.shm_size);
    spec.security.cap_add = o.cap_add;
    spec.security.cap_drop = o.cap_drop;
    spec.security.privileged = o.privileged;
    for (const auto& opt : o.security_opts) {
        if (opt == "seccomp=unconfined" || opt == "seccomp:unconfined") spec.security.seccomp = false;
        else if (opt == "no-new-privileges" || opt == "no-new-privileges:true" ||
                 opt == "no-new-privileges=true")
            spec.security.no_new_privileges = true;
        else if (opt == "no-new-privileges:false" || opt == "no-new-privileges=false")
            spec.security.no_new_privileges = false;
        else throw Error(fmt::format("unsupported security option \"{}\"", opt));
    }
    for (const auto& u : o.ulimits) {
        auto [name, values] = split_once(u, '=');
        auto [soft, hard] = split_once(values, ':');
        if (name.empty() || soft.empty())
            throw Error(fmt::format("invalid ulimit \"{}\": use NAME=SOFT[:HARD]", u));
        Ulimit l{name, std::stoull(soft), std::stoull(hard.empty() ? soft : hard)};
        spec.ulimits.push_back(l);
    }
    for (const auto& s : o.sysctls) {
        auto [k, v] = split_once(s, '=');
        spec.sysctls[k] = v;
    }
    for (const auto& l : o.labels) {
        auto [k, v] = split_once(l, '=');
        spec.labels[k] = v;
    }
    if (o.network == "none") spec.network.mode = NetworkSpec::Mode::None;
    else if (o.network == "host") spec.network.mode = NetworkSpec::Mode::Host;
    else if (!o.network.empty() && o.network[0] == '/') {
        spec.network.mode = NetworkSpec::Mode::Join;
        spec.network.netns_path = o.network;
    } else throw Error(fmt::format("unsupported network \"{}\": none, host or a netns path", o.network));
    apply_userns_options(o.uidmap, o.gidmap, spec);
    return spec;
}

// 126/127 for a command that could not be executed, as docker does.
int exec_failure_code(const Error& e) {
    return e.code() == std::errc::no_such_file_or_directory ? 127 : 126;
}

void remove_quietly(const std::string& name) {
    try {
        remove_container(name, true);
    } catch (const std::exception& e) {
        std::cerr << "stack: " << e.what() << '\n';
    }
}

// The foreground run: this process is the container's parent and forwards signals to it.
int run_foreground(const ContainerSpec& spec, bool rm) {
    sigset_t forwarded;
    sigemptyset(&forwarded);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH})
        sigaddset(&forwarded, sig);
    Container c = Container::create(spec);
    ::sigprocmask(SIG_BLOCK, &forwarded, nullptr);
    UniqueFd sfd(::signalfd(-1, &forwarded, SFD_CLOEXEC));
    try {
        c.start();
    } catch (const Error& e) {
        std::cerr << "stack: " << e.what() << '\n';
        c.wait();
        if (rm) remove_quietly(spec.name);
        return exec_failure_code(e);
    }
    if (spec.process.tty) bridge_pty(c.tty_master(), c.pidfd());
    pollfd fds[2] = {{c.pidfd(), POLLIN, 0}, {sfd.get(), POLLIN, 0}};
    while (!(fds[0].revents & POLLIN)) {
        if (::poll(fds, 2, -1) < 0 && errno != EINTR) throw_errno("poll");
        if (fds[1].revents & POLLIN) {
            signalfd_siginfo info{};
            if (::read(sfd.get(), &info, sizeof info) == sizeof info)
                c.signal(static_cast<int>(info.ssi_signo));
        }
    }
    ExitStatus st = c.wait();
    if (st.oom_killed) std::cerr << "stack: container \"" << spec.name << "\" was OOM-killed\n";
    if (rm) remove_quietly(spec.name);
    return st.exit_code();
}

// run -d: a monitor process outside the container creates it, reports, and stays to record
// its exit (like conmon); this process prints the name once the command runs.
int run_detached(ContainerSpec spec, bool rm) {
    spec.output.log_file = container_dir(spec.name) / "container.log";
    int report[2];
    check_sys(::pipe2(report, O_CLOEXEC), "pipe2");
    UniqueFd report_r(report[0]), report_w(report[1]);
    pid_t monitor = check_sys(::fork(), "fork the monitor");
    if (monitor == 0) {
        report_r.reset();
        ::setsid();
        int null = ::open("/dev/null", O_RDWR);
        for (int fd = 0; fd < 3; ++fd) ::dup2(null, fd);
        if (null > 2) ::close(null);
        // A second fork so the monitor is nobody's child on the caller's side.
        pid_t inner = ::fork();
        if (inner != 0) ::_exit(inner < 0 ? 1 : 0);
        std::string msg = "ok";
        std::optional<Container> c;
        int code = 0;
        try {
            c.emplace(Container::create(spec));
            c->start();
        } catch (const Error& e) {
            msg = e.what();
            code = c ? exec_failure_code(e) : kStackFailed;
        } catch (const std::exception& e) {
            msg = e.what();
            code = kStackFailed;
        }
        std::string out = fmt::format("{} {}", code, msg);
        (void)!::write(report_w.get(), out.data(), out.size());
        report_w.reset();
        if (c) c->wait();
        if (rm && c) remove_quietly(spec.name);
        ::_exit(0);
    }
    report_w.reset();
    ::waitpid(monitor, nullptr, 0);
    std::string reply;
    char buf[4096];
    for (ssize_t n; (n = ::read(report_r.get(), buf, sizeof buf)) > 0;) reply.append(buf, n);
    auto [code_text, msg] = split_once(reply, ' ');
    if (code_text.empty()) {
        std::cerr << "stack: the container monitor died\n";
        return kStackFailed;
    }
    int code = std::stoi(code_text);
    if (code != 0) {
        std::cerr << "stack: " << msg << '\n';
        return code;
    }
    std::cout << spec.name << '\n';
    return 0;
}

std::string describe(const ContainerState& s) {
    if (s.status != Status::Exited || !s.exit) return status_name(s.status);
    std::string text = fmt::format("exited ({})", s.exit->exit_code());
    if (s.exit->oom_killed) text += " oom-killed";
    return text;
}

void add_vector(CLI::App* cmd, const std::string& flags, std::vector<std::string>& v,
                const std::string& help) {
    cmd->add_option(flags, v, help)->allow_extra_args(false);
}

template <typename Fn>
void guarded(CommandContext& ctx, Fn&& fn) {
    try {
        ctx.exit_code = fn();
    } catch (const std::exception& e) {
        std::cerr << "stack: " << e.what() << '\n';
        ctx.exit_code = kStackFailed;
    }
}

void register_container_run(CLI::App& parent, CommandContext& ctx) {
    auto o = std::make_shared<RunOptions>();
    auto* cmd = parent.add_subcommand("run", "Create and start a container: run [OPTIONS] -- CMD...");
    cmd->add_option("--rootfs", o->rootfs, "Root filesystem: a directory, or \"host\" (host view)");
    add_vector(cmd, "--layer", o->layers, "An image layer, topmost first (overlay)");
    cmd->add_option("--name", o->name, "Container name");
    cmd->add_option("--hostname", o->hostname, "Hostname");
    add_vector(cmd, "-e,--env", o->env, "Environment variable K=V");
    cmd->add_option("-w,--workdir", o->workdir, "Working directory");
    cmd->add_option("-u,--user", o->user, "USER[:GROUP] (names from the rootfs /etc/passwd)");
    add_vector(cmd, "-v,--volume", o->volumes, "SRC:DST[:ro] (SRC a path or a volume name)");
    add_vector(cmd, "--tmpfs", o->tmpfs, "DST[:size=N,mode=M]");
    cmd->add_option("-m,--memory", o->memory, "Memory limit (64m)");
    cmd->add_option("--memory-swap", o->memory_swap, "Memory + swap limit, -1 unlimited");
    cmd->add_option("--pids-limit", o->pids_limit, "Maximum number of processes");
    cmd->add_option("--cpus", o->cpus, "CPU quota in cores (0.5)");
    cmd->add_option("--shm-size", o->shm_size, "/dev/shm size");
    add_vector(cmd, "--cap-add", o->cap_add, "Add a capability (or ALL)");
    add_vector(cmd, "--cap-drop", o->cap_drop, "Drop a capability (or ALL)");
    cmd->add_flag("--privileged", o->privileged, "Every capability, no seccomp, no masks");
    cmd->add_flag("--read-only", o->read_only, "Read-only root filesystem");
    cmd->add_flag("--init", o->init, "Accepted for docker compatibility: PID 1 always is an init");
    cmd->add_option("--network", o->network, "none (default), host, or a netns path to join");
    add_vector(cmd, "--security-opt", o->security_opts,
               "seccomp=unconfined, no-new-privileges[:true|false]");
    add_vector(cmd, "--ulimit", o->ulimits, "NAME=SOFT[:HARD]");
    add_vector(cmd, "--sysctl", o->sysctls, "Namespaced sysctl K=V");
    add_vector(cmd, "-l,--label", o->labels, "Label K=V");
    add_vector(cmd, "--uidmap", o->uidmap,
               "User namespace: CONTAINER_UID:HOST_UID:COUNT (repeatable; podman's syntax)");
    add_vector(cmd, "--gidmap", o->gidmap,
               "User namespace: CONTAINER_GID:HOST_GID:COUNT (default: as --uidmap)");
    cmd->add_option("--stop-signal", o->stop_signal, "Signal to stop the container (TERM)");
    cmd->add_option("--stop-timeout", o->stop_timeout, "Seconds before SIGKILL on stop (10)");
    cmd->add_flag("--rm", o->rm, "Remove the container when it exits");
    cmd->add_flag("-d,--detach", o->detach, "Run in the background and print the name");
    cmd->add_flag("-t,--tty", o->tty, "Allocate a pseudo-terminal");
    cmd->add_option("command", o->command, "Command and arguments (after --)")->required();
    cmd->callback([o, &ctx] {
        guarded(ctx, [&] {
            ContainerSpec spec = build_spec(*o);
            if (o->detach) return run_detached(std::move(spec), o->rm);
            spec.output.stdout_fd = 1;
            spec.output.stderr_fd = 2;
            return run_foreground(spec, o->rm);
        });
    });
}

void register_container_exec(CLI::App& parent, CommandContext& ctx) {
    struct Opts {
        ExecSpec spec;
        std::string name;
        std::vector<std::string> command;
    };
    auto o = std::make_shared<Opts>();
    auto* cmd = parent.add_subcommand("exec", "Run a command in a running container: exec NAME -- CMD...");
    cmd->add_flag("-t,--tty", o->spec.tty, "Allocate a pseudo-terminal");
    cmd->add_flag("-d,--detach", o->spec.detach, "Do not wait for the command");
    cmd->add_option("-u,--user", o->spec.user, "USER[:GROUP]");
    cmd->add_option("-w,--workdir", o->spec.cwd, "Working directory");
    add_vector(cmd, "-e,--env", o->spec.env, "Environment variable K=V");
    cmd->add_option("name", o->name, "Container")->required();
    cmd->add_option("command", o->command, "Command and arguments (after --)")->required();
    cmd->callback([o, &ctx] {
        guarded(ctx, [&] {
            ExecSpec spec = o->spec;
            spec.args = o->command;
            try {
                return exec_in(o->name, spec).exit_code();
            } catch (const Error& e) {
                if (e.code() == std::errc::no_such_file_or_directory ||
                    e.code() == std::errc::permission_denied) {
                    std::cerr << "stack: " << e.what() << '\n';
                    return exec_failure_code(e);
                }
                throw;
            }
        });
    });
}

void register_container_kill(CLI::App& parent, CommandContext& ctx) {
    auto sig = std::make_shared<std::string>("KILL");
    auto names = std::make_shared<std::vector<std::string>>();
    auto* cmd = parent.add_subcommand("kill", "Send a signal to a container's command");
    cmd->add_option("-s,--signal", *sig, "Signal name or number (KILL)");
    cmd->add_option("names", *names, "Containers")->required();
    cmd->callback([sig, names, &ctx] {
        guarded(ctx, [&] {
            int signo = parse_signal(*sig);
            for (const auto& n : *names) kill_container(n, signo);
            return 0;
        });
    });
}

void register_container_stop(CLI::App& parent, CommandContext& ctx) {
    auto timeout = std::make_shared<double>(-1);
    auto names = std::make_shared<std::vector<std::string>>();
    auto* cmd = parent.add_subcommand("stop", "Stop signal, then SIGKILL after the grace period");
    cmd->add_option("-t,--time", *timeout, "Seconds to wait before SIGKILL");
    cmd->add_option("names", *names, "Containers")->required();
    cmd->callback([timeout, names, &ctx] {
        guarded(ctx, [&] {
            std::optional<std::chrono::milliseconds> grace;
            if (*timeout >= 0) grace = std::chrono::milliseconds(static_cast<int64_t>(*timeout * 1000));
            for (const auto& n : *names) stop_container(n, grace);
            return 0;
        });
    });
}

void register_container_ps(CLI::App& parent, CommandContext& ctx) {
    auto* cmd = parent.add_subcommand("ps", "List containers");
    cmd->callback([&ctx] {
        guarded(ctx, [&] {
            std::cout << fmt::format("{:<24} {:<20} {:>8} {:<32} {}\n", "NAME", "STATUS", "PID",
                                     "CREATED", "COMMAND");
            for (const auto& s : list_containers()) {
                std::string command;
                for (const auto& a : s.command) command += (command.empty() ? "" : " ") + a;
                std::cout << fmt::format("{:<24} {:<20} {:>8} {:<32} {}\n", s.name, describe(s),
                                         s.pid, s.created_at, command);
            }
            return 0;
        });
    });
}

void register_container_inspect(CLI::App& parent, CommandContext& ctx) {
    auto name = std::make_shared<std::string>();
    auto* cmd = parent.add_subcommand("inspect", "Print a container's state as JSON");
    cmd->add_option("name", *name, "Container")->required();
    cmd->callback([name, &ctx] {
        guarded(ctx, [&] {
            std::cout << state_to_json(inspect(*name));
            return 0;
        });
    });
}

void register_container_rm(CLI::App& parent, CommandContext& ctx) {
    auto force = std::make_shared<bool>(false);
    auto names = std::make_shared<std::vector<std::string>>();
    auto* cmd = parent.add_subcommand("rm", "Remove containers: cgroup, state and directories");
    cmd->add_flag("-f,--force", *force, "Kill a running container first");
    cmd->add_option("names", *names, "Containers")->required();
    cmd->callback([force, names, &ctx] {
        guarded(ctx, [&] {
            int code = 0;
            for (const auto& n : *names) {
                try {
                    remove_container(n, *force);
                } catch (const std::exception& e) {
                    std::cerr << "stack: " << e.what() << '\n';
                    code = 1;
                }
            }
            return code;
        });
    });
}

}  // namespace

void register_container(CLI::App& app, CommandContext& ctx) {
    auto* cmd = app.add_subcommand("container", "Plumbing: run one container from flags");
    cmd->require_subcommand(1);
    register_container_run(*cmd, ctx);
    register_container_exec(*cmd, ctx);
    register_container_kill(*cmd, ctx);
    register_container_stop(*cmd, ctx);
    register_container_ps(*cmd, ctx);
    register_container_inspect(*cmd, ctx);
    register_container_rm(*cmd, ctx);
}

}  // namespace stk::cli
