#pragma once
// A container's network traffic as `stats` shows it (NET I/O): the bytes its eth* interfaces
// received and sent, from /proc/<pid>/net/dev, which lists the interfaces of <pid>'s network
// namespace (loopback and anything else not eth* is left out, as docker does).
#include <sys/types.h>

#include <cstdint>
#include <string_view>

namespace stk::cli {

struct NetIo {
    uint64_t rx_bytes = 0;
    uint64_t tx_bytes = 0;
};

NetIo parse_net_dev(std::string_view text);
// Zero when the process is gone.
NetIo read_net_io(pid_t pid);

}  // namespace stk::cli
