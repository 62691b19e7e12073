// Times the network topology: create a stack network, attach N containers (a veth each), and
// tear down, for N = 1, 10, 50 (or the counts given as arguments). Runs as root; everything
// lives in namespaces it creates under a private STACK_RUN_ROOT, removed at exit.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "network/bridge/bridge_network.hpp"
#include "network/ipam/subnet.hpp"
#include "network/netlink/link_ops.hpp"
#include "network/netns/net_namespace.hpp"
#include "runtime/sys/error.hpp"

using namespace stk::net;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

class PrivateRunRoot {
public:
    PrivateRunRoot() {
        path_ = std::filesystem::temp_directory_path() /
                ("stk-bench-topo-" + std::to_string(::getpid()));
        std::filesystem::create_directories(path_);
        ::setenv("STACK_RUN_ROOT", path_.c_str(), 1);
    }
    ~PrivateRunRoot() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }

private:
    std::filesystem::path path_;
};

struct Round {
    double create_network = 0, create_netns = 0, attach = 0, detach_each = 0, destroy_call = 0,
           destroy_until_gone = 0;
};

std::vector<NetNamespace> make_containers(const std::string& id, int n) {
    std::vector<NetNamespace> out;
    out.reserve(n);
    for (int i = 0; i < n; ++i)
        out.push_back(NetNamespace::create("stk" + id + "c" + std::to_string(i)));
    return out;
}

void attach_all(BridgeNetwork& net, std::vector<NetNamespace>& containers) {
    for (size_t i = 0; i < containers.size(); ++i) {
        net.attach(containers[i].fd(), "eth0", net.subnet().first_host() + i, true).commit();
    }
}

bool any_container_link_left(std::vector<NetNamespace>& containers) {
    for (auto& c : containers) {
        auto sock = NlSocket::open_in(c.fd());
        if (link_index(sock, "eth0")) return true;
    }
    return false;
}

Round run(int n, int round) {
    Round r;
    const auto subnet = Subnet::parse("10.213.0.0/24");
    const std::string id = "b" + std::to_string(::getpid() % 100000) + "r" + std::to_string(round);

    // Teardown by detaching each veth, then destroying the network.
    {
        auto t = Clock::now();
        auto net = BridgeNetwork::create(id, subnet, false);
        r.create_network = ms_since(t);
        t = Clock::now();
        auto containers = make_containers(id, n);
        r.create_netns = ms_since(t);
        t = Clock::now();
        attach_all(net, containers);
        r.attach = ms_since(t);
        t = Clock::now();
        for (auto& c : containers) net.detach(BridgeNetwork::host_end_name_for(c.fd(), "eth0"));
        r.detach_each = ms_since(t);
    }
    // Teardown by destroying the network with everything attached (what `down` does).
    {
        auto net = BridgeNetwork::create(id, subnet, false);
        auto containers = make_containers(id, n);
        attach_all(net, containers);
        auto t = Clock::now();
        net.destroy();
        r.destroy_call = ms_since(t);
        while (any_container_link_left(containers)) {
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        r.destroy_until_gone = ms_since(t);
    }
    return r;
}

Round median(std::vector<Round> rounds) {
    auto pick = [&](double Round::*field) {
        std::vector<double> v;
        for (const auto& r : rounds) v.push_back(r.*field);
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    Round m;
    for (auto field : {&Round::create_network, &Round::create_netns, &Round::attach,
                       &Round::detach_each, &Round::destroy_call, &Round::destroy_until_gone}) {
        m.*field = pick(field);
    }
    return m;
}

}  // namespace

// Usage: bench_topology [--repeat R] [N...]   (defaults: R = 3, N = 1 10 50)
int main(int argc, char** argv) {
    std::vector<int> counts;
    int repeat = 3;
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--repeat" && i + 1 < argc) {
            repeat = std::atoi(argv[++i]);
        } else {
            counts.push_back(std::atoi(argv[i]));
        }
    }
    if (counts.empty()) counts = {1, 10, 50};
    if (repeat < 1) repeat = 1;
    for (int n : counts) {
        if (n < 1 || n > 250) {
            std::fprintf(stderr, "bench_topology: N must be 1..250 (one /24), got %d\n", n);
            return 2;
        }
    }
    try {
        PrivateRunRoot root;
        std::printf("median of %d runs per N\n", repeat);
        std::printf("%4s %12s %12s %12s %12s %14s %14s %14s\n", "N", "net_create", "netns_xN",
                    "attach_xN", "per_attach", "detach_xN", "destroy_call", "destroy_gone");
        int round = 0;
        for (int n : counts) {
            std::vector<Round> rounds;
            for (int k = 0; k < repeat; ++k) rounds.push_back(run(n, round++));
            auto r = median(rounds);
            std::printf("%4d %10.2fms %10.2fms %10.2fms %10.3fms %12.2fms %12.2fms %12.2fms\n", n,
                        r.create_network, r.create_netns, r.attach, r.attach / n, r.detach_each,
                        r.destroy_call, r.destroy_until_gone);
        }
        std::printf(
            "net_create: namespace + bridge + gateway address; attach: veth pair with peer born "
            "in the container netns, address, routes, up.\n"
            "detach_xN: deleting each veth; destroy_call: unpinning the bridge netns; "
            "destroy_gone: until every container's eth0 has disappeared.\n");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_topology: %s\n", e.what());
        return 1;
    }
    return 0;
}
