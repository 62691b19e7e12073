#include "orchestrator/cli/container_net_io.hpp"

#include <fstream>
#include <sstream>
#include <string>

namespace stk::cli {

NetIo parse_net_dev(std::string_view text) {
    NetIo io;
    std::istringstream in{std::string(text)};
    std::string line;
    // "  eth0: RX bytes packets errs drop fifo frame compressed multicast TX bytes ..."
    while (std::getline(in, line)) {
        auto colon = line.find(':');
        if (colon == std::string::npos) continue;  // the two header lines
        std::string name = line.substr(0, colon);
        name.erase(0, name.find_first_not_of(' '));
        if (name.rfind("eth", 0) != 0) continue;
        std::istringstream fields(line.substr(colon + 1));
        uint64_t v[9] = {};
        for (auto& x : v)
            if (!(fields >> x)) break;
        io.rx_bytes += v[0];
        io.tx_bytes += v[8];
    }
    return io;
}

NetIo read_net_io(pid_t pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/net/dev");
    if (!f) return {};
    std::stringstream text;
    text << f.rdbuf();
    return parse_net_dev(text.str());
}

}  // namespace stk::cli
