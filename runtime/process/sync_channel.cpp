#include "runtime/process/sync_channel.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "runtime/sys/error.hpp"

namespace stk::runtime {
namespace {

void copy_text(char* dst, size_t size, const char* src) noexcept {
    if (src == nullptr) src = "";
    size_t n = ::strnlen(src, size - 1);
    ::memcpy(dst, src, n);
    dst[n] = '\0';
}

bool send_message(int fd, const SyncMessage& m) noexcept {
    for (;;) {
        ssize_t n = ::send(fd, &m, sizeof m, MSG_NOSIGNAL);
        if (n == static_cast<ssize_t>(sizeof m)) return true;
        if (n < 0 && errno == EINTR) continue;
        return false;
    }
}

std::optional<SyncMessage> receive(int fd, int flags) {
    SyncMessage m;
    for (;;) {
        ssize_t n = ::recv(fd, &m, sizeof m, flags);
        if (n == static_cast<ssize_t>(sizeof m)) return m;
        if (n == 0) return std::nullopt;
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == ECONNRESET)) return std::nullopt;
        if (n < 0) throw_errno("receive from the container's sync channel");
        throw Error("short message on the container's sync channel");
    }
}

}  // namespace

SyncPair make_sync_pair() {
    int fds[2];
    check_sys(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds),
              "socketpair(AF_UNIX, SOCK_SEQPACKET)");
    return SyncPair{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

bool sync_send(int fd, SyncType type) noexcept {
    SyncMessage m;
    m.type = type;
    return send_message(fd, m);
}

bool sync_send_failure(int fd, const char* step, int err, const char* text) noexcept {
    SyncMessage m;
    m.type = SyncType::Failed;
    m.err = err;
    copy_text(m.step, sizeof m.step, step);
    copy_text(m.text, sizeof m.text, text);
    return send_message(fd, m);
}

bool sync_send_exit(int fd, int code, int signal) noexcept {
    SyncMessage m;
    m.type = SyncType::ServiceExited;
    m.code = code;
    m.signal = signal;
    return send_message(fd, m);
}

std::optional<SyncMessage> sync_receive(int fd) { return receive(fd, 0); }

std::optional<SyncMessage> sync_try_receive(int fd) { return receive(fd, MSG_DONTWAIT); }

const char* sync_type_name(SyncType t) {
    switch (t) {
        case SyncType::Go: return "go";
        case SyncType::Ready: return "ready";
        case SyncType::Start: return "start";
        case SyncType::Started: return "started";
        case SyncType::Failed: return "failed";
        case SyncType::ServiceExited: return "service-exited";
    }
    return "unknown";
}

}  // namespace stk::runtime
