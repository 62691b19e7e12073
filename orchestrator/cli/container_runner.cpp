#include "orchestrator/cli/container_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <iostream>

#include "runtime/process/pty.hpp"
#include "runtime/state/state_store.hpp"

namespace stk::cli {
using namespace stk::runtime;

namespace {

void remove_quietly(const std::string& name) {
    try {
        remove_container(name, true);
    } catch (const std::exception& e) {
        std::cerr << "stack: " << e.what() << '\n';
    }
}

}  // namespace

// 126/127 for a command that could not be executed, as docker does.
int exec_failure_code(const Error& e) {
    return e.code() == std::errc::no_such_file_or_directory ? 127 : 126;
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
    auto space = reply.find(' ');
    std::string code_text = reply.substr(0, space);
    std::string msg = space == std::string::npos ? "" : reply.substr(space + 1);
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

}  // namespace stk::cli
