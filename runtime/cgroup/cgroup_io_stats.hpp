#pragma once
// Bytes a cgroup read from and wrote to block devices, summed over the devices, from the
// kernel's two formats: v2 io.stat ("8:0 rbytes=N wbytes=N rios=N ...") and v1
// blkio.throttle.io_service_bytes ("8:0 Read N", "8:0 Write N", ..., "Total N").
#include <cstdint>
#include <string_view>

namespace stk::runtime {

struct BlockIo {
    uint64_t read_bytes = 0;
    uint64_t write_bytes = 0;
};

BlockIo parse_io_stat(std::string_view text);
BlockIo parse_blkio_service_bytes(std::string_view text);

}  // namespace stk::runtime
