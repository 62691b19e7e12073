#pragma once
// The typed parent/child channel: one SOCK_SEQPACKET socketpair, fixed-size messages, so a
// child can report without allocating. A failure carries the step, errno and text (rule 10).
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "runtime/sys/unique_fd.hpp"

namespace stk::runtime {

enum class SyncType : uint32_t {
    Go = 1,         // parent -> child: cgroup joined, id maps written
    Ready,          // child -> parent: set up, waiting for Start
    Start,          // parent -> child: run the command
    Started,        // child -> parent: the command was executed
    Failed,         // child -> parent: step + errno + text
    ServiceExited,  // child (PID 1) -> parent: the service's exit code or signal
};

struct SyncMessage {
    SyncType type = SyncType::Go;
    int32_t err = 0;     // Failed: errno (0 when not a system error)
    int32_t code = 0;    // ServiceExited
    int32_t signal = 0;  // ServiceExited
    char step[64] = {};
    char text[960] = {};
};

struct SyncPair {
    UniqueFd parent;
    UniqueFd child;
};
SyncPair make_sync_pair();  // both ends CLOEXEC

// Async-signal-safe sends (no allocation). Return false when the peer is gone.
bool sync_send(int fd, SyncType type) noexcept;
bool sync_send_failure(int fd, const char* step, int err, const char* text) noexcept;
bool sync_send_exit(int fd, int code, int signal) noexcept;

// Blocking receive; nullopt on EOF (peer closed). Throws SysError on other errors.
std::optional<SyncMessage> sync_receive(int fd);
// Non-blocking receive; nullopt when nothing is queued or the peer is gone.
std::optional<SyncMessage> sync_try_receive(int fd);

const char* sync_type_name(SyncType t);

}  // namespace stk::runtime
