// stats' NET I/O (/proc/<pid>/net/dev, eth* only) and BLOCK I/O (v2 io.stat, v1
// blkio.throttle.io_service_bytes) parsers, on the kernel's text.
#include <catch2/catch.hpp>

#include "orchestrator/cli/container_net_io.hpp"
#include "runtime/cgroup/cgroup_io_stats.hpp"

TEST_CASE("net/dev: the eth interfaces' received and sent bytes, loopback left out") {
    const char* text =
        "Inter-|   Receive                                                |  Transmit\n"
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
        "    lo:    9000      10    0    0    0     0          0         0     9000      10    0    0    0     0       0          0\n"
        "  eth0:    1500      12    0    0    0     0          0         0      700       8    0    0    0     0       0          0\n"
        "  eth1:      20       1    0    0    0     0          0         0       30       1    0    0    0     0       0          0\n"
        " veth9:     999       1    0    0    0     0          0         0      999       1    0    0    0     0       0          0\n";
    auto io = stk::cli::parse_net_dev(text);
    CHECK(io.rx_bytes == 1520);
    CHECK(io.tx_bytes == 730);
    auto none = stk::cli::parse_net_dev("");
    CHECK(none.rx_bytes == 0);
    CHECK(none.tx_bytes == 0);
}

TEST_CASE("io.stat: rbytes and wbytes summed over the devices") {
    auto io = stk::runtime::parse_io_stat(
        "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n"
        "253:1 rbytes=100 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n");
    CHECK(io.read_bytes == 4196);
    CHECK(io.write_bytes == 8192);
    CHECK(stk::runtime::parse_io_stat("").read_bytes == 0);
}

TEST_CASE("blkio.throttle.io_service_bytes: Read and Write summed, Total not counted twice") {
    auto io = stk::runtime::parse_blkio_service_bytes(
        "8:0 Read 4096\n8:0 Write 512\n8:0 Sync 4608\n8:0 Async 0\n8:0 Discard 0\n8:0 Total 4608\n"
        "8:16 Read 4\n8:16 Write 6\n8:16 Total 10\nTotal 4618\n");
    CHECK(io.read_bytes == 4100);
    CHECK(io.write_bytes == 518);
}
