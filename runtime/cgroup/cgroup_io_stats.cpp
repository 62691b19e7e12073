#include "runtime/cgroup/cgroup_io_stats.hpp"

#include <charconv>
#include <sstream>
#include <string>

namespace stk::runtime {
namespace {

uint64_t number(std::string_view s) {
    uint64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
}

}  // namespace

BlockIo parse_io_stat(std::string_view text) {
    BlockIo io;
    std::istringstream in{std::string(text)};
    std::string word;
    while (in >> word) {
        auto eq = word.find('=');
        if (eq == std::string::npos) continue;  // the device "MAJ:MIN"
        std::string_view key(word.data(), eq), value(word.data() + eq + 1, word.size() - eq - 1);
        if (key == "rbytes") io.read_bytes += number(value);
        else if (key == "wbytes") io.write_bytes += number(value);
    }
    return io;
}

BlockIo parse_blkio_service_bytes(std::string_view text) {
    BlockIo io;
    std::istringstream in{std::string(text)};
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string device, op, value;
        if (!(fields >> device >> op >> value)) continue;  // "Total N" has two fields
        if (op == "Read") io.read_bytes += number(value);
        else if (op == "Write") io.write_bytes += number(value);
    }
    return io;
}

}  // namespace stk::runtime
