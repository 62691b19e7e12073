#include <catch2/catch.hpp>

#include <csignal>

#include "network/bridge/bridge_network.hpp"
#include "orchestrator/engine/naming.hpp"
#include "orchestrator/engine/signal_names.hpp"
#include "runtime/sys/error.hpp"

using namespace stk::engine;

TEST_CASE("container names follow compose v2, container_name wins") {
    stk::model::Project p;
    p.name = "demo";
    stk::model::Service s;
    s.name = "web";
    CHECK(container_name(p, s, 1) == "demo-web-1");
    CHECK(container_name(p, s, 12) == "demo-web-12");
    s.container_name = "custom";
    CHECK(container_name(p, s, 3) == "custom");
}

TEST_CASE("network ids fit BridgeNetwork's limit and differ per project and network") {
    std::string a = network_id("demo", "default");
    CHECK(a.size() <= stk::net::BridgeNetwork::kMaxIdLength);
    CHECK(a.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789") == std::string::npos);
    CHECK(a == network_id("demo", "default"));
    CHECK(a != network_id("demo", "backend"));
    CHECK(a != network_id("demo2", "default"));
    // "stk" + id + "br" is the bridge interface: at most 15 characters.
    CHECK(("stk" + a + "br").size() <= 15);
}

TEST_CASE("container netns names carry the stk prefix and a stable hash") {
    std::string n = container_netns_name("demo-web-1");
    CHECK(n.rfind("stkc", 0) == 0);
    CHECK(n.size() == 12);
    CHECK(n == container_netns_name("demo-web-1"));
    CHECK(n != container_netns_name("demo-web-2"));
    CHECK(short_hash("a", "bc") != short_hash("ab", "c"));
}

TEST_CASE("signals parse by name, abbreviation, case and number") {
    CHECK(parse_signal("SIGTERM") == SIGTERM);
    CHECK(parse_signal("term") == SIGTERM);
    CHECK(parse_signal("SIGUSR1") == SIGUSR1);
    CHECK(parse_signal("9") == SIGKILL);
    CHECK(parse_signal("Sigint") == SIGINT);
    CHECK_THROWS_AS(parse_signal("SIGNOPE"), stk::Error);
    CHECK_THROWS_AS(parse_signal("0"), stk::Error);
    CHECK_THROWS_AS(parse_signal("100"), stk::Error);
    CHECK_THROWS_AS(parse_signal("1500"), stk::Error);
    CHECK(signal_name(SIGTERM) == "SIGTERM");
    CHECK(signal_name(SIGKILL) == "SIGKILL");
    CHECK(signal_name(40) == "SIG40");
}
