#include "orchestrator/engine/signal_names.hpp"

#include <algorithm>
#include <csignal>
#include <utility>

#include "runtime/sys/error.hpp"

namespace stk::engine {
namespace {

constexpr std::pair<const char*, int> kSignals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},     {"QUIT", SIGQUIT}, {"ILL", SIGILL},
    {"TRAP", SIGTRAP}, {"ABRT", SIGABRT},   {"BUS", SIGBUS},   {"FPE", SIGFPE},
    {"KILL", SIGKILL}, {"USR1", SIGUSR1},   {"SEGV", SIGSEGV}, {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},   {"TERM", SIGTERM}, {"STKFLT", SIGSTKFLT},
    {"CHLD", SIGCHLD}, {"CONT", SIGCONT},   {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},
    {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},   {"URG", SIGURG},   {"XCPU", SIGXCPU},
    {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH},
    {"IO", SIGIO},     {"PWR", SIGPWR},     {"SYS", SIGSYS},
};

}  // namespace

int parse_signal(const std::string& text) {
    std::string t = text;
    std::transform(t.begin(), t.end(), t.begin(), ::toupper);
    if (t.rfind("SIG", 0) == 0) t = t.substr(3);
    if (!t.empty() && std::all_of(t.begin(), t.end(), ::isdigit)) {
        int n = t.size() <= 2 ? std::stoi(t) : 0;
        if (n >= 1 && n <= 64) return n;
        throw Error("unknown signal \"" + text + "\"");
    }
    for (const auto& [name, n] : kSignals)
        if (t == name) return n;
    throw Error("unknown signal \"" + text + "\"");
}

std::string signal_name(int sig) {
    for (const auto& [name, n] : kSignals)
        if (n == sig) return std::string("SIG") + name;
    return "SIG" + std::to_string(sig);
}

}  // namespace stk::engine
