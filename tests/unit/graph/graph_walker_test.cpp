#include <catch2/catch.hpp>

#include <deque>

#include "orchestrator/graph/graph_walker.hpp"

using namespace stk::graph;

namespace {

// web -> api -> db, web -> cache, worker -> db
DependencyGraph sample() {
    DependencyGraph g;
    g.add_edge("web", {"api", "depends_on", true});
    g.add_edge("web", {"cache", "depends_on", true});
    g.add_edge("api", {"db", "depends_on", true});
    g.add_edge("worker", {"db", "depends_on", true});
    return g;
}

size_t pos(const std::vector<std::string>& v, const std::string& x) {
    return static_cast<size_t>(std::find(v.begin(), v.end(), x) - v.begin());
}

}  // namespace

TEST_CASE("start order puts dependencies first, stop order dependants first") {
    auto g = sample();
    auto start = walk_order(g, Direction::Start);
    REQUIRE(start.size() == 5);
    CHECK(pos(start, "db") < pos(start, "api"));
    CHECK(pos(start, "api") < pos(start, "web"));
    CHECK(pos(start, "cache") < pos(start, "web"));
    CHECK(pos(start, "db") < pos(start, "worker"));

    auto stop = walk_order(g, Direction::Stop);
    REQUIRE(stop.size() == 5);
    CHECK(pos(stop, "web") < pos(stop, "api"));
    CHECK(pos(stop, "api") < pos(stop, "db"));
    CHECK(pos(stop, "worker") < pos(stop, "db"));
    CHECK(pos(stop, "web") < pos(stop, "cache"));
}

TEST_CASE("asynchronous visits respect the concurrency cap and visit each node once") {
    DependencyGraph g;
    for (int i = 0; i < 10; ++i) g.add_node("s" + std::to_string(i));
    g.add_edge("s9", {"s0", "depends_on", true});
    std::deque<std::pair<std::string, GraphWalker::Done>> in_flight;
    std::map<std::string, int> visits;
    size_t max_seen = 0;
    GraphWalker w(g, Direction::Start, 3);
    bool finished = false;
    w.on_finished([&] { finished = true; });
    w.run([&](const std::string& n, GraphWalker::Done done) {
        visits[n]++;
        in_flight.emplace_back(n, std::move(done));
        max_seen = std::max(max_seen, in_flight.size());
    });
    while (!in_flight.empty()) {
        auto [n, done] = std::move(in_flight.front());
        in_flight.pop_front();
        done(true, {});
    }
    CHECK(finished);
    CHECK(w.all_ok());
    CHECK(max_seen == 3);
    CHECK(visits.size() == 10);
    for (auto& [n, c] : visits) CHECK(c == 1);
}

TEST_CASE("a failed dependency skips exactly its required dependants") {
    auto g = sample();
    g.add_edge("metrics", {"db", "depends_on", false});  // optional: still started
    std::vector<std::string> visited;
    std::map<std::string, std::string> skipped;
    GraphWalker w(g, Direction::Start);
    w.on_skip([&](const std::string& n, const std::string& why) { skipped[n] = why; });
    w.run([&](const std::string& n, GraphWalker::Done done) {
        visited.push_back(n);
        if (n == "db")
            done(false, "container demo-db-1 exited with code 3");
        else
            done(true, {});
    });
    CHECK(w.finished());
    CHECK(w.outcome("db") == Outcome::Failed);
    CHECK(w.outcome("api") == Outcome::Skipped);
    CHECK(w.outcome("worker") == Outcome::Skipped);
    CHECK(w.outcome("web") == Outcome::Skipped);
    CHECK(w.outcome("cache") == Outcome::Done);
    CHECK(w.outcome("metrics") == Outcome::Done);
    CHECK(skipped["api"] == "dependency \"db\" failed: container demo-db-1 exited with code 3");
    CHECK(skipped["web"].find("dependency \"api\" was not started") == 0);
    CHECK_FALSE(w.all_ok());
}

TEST_CASE("stop order visits every node even after failures") {
    auto g = sample();
    GraphWalker w(g, Direction::Stop);
    std::vector<std::string> visited;
    w.run([&](const std::string& n, GraphWalker::Done done) {
        visited.push_back(n);
        done(n != "web", "boom");
    });
    CHECK(visited.size() == 5);
    CHECK(w.finished());
}

TEST_CASE("cycles are found and printed as a path") {
    DependencyGraph g;
    g.add_edge("a", {"b", "depends_on", true});
    g.add_edge("b", {"c", "links", true});
    g.add_edge("c", {"a", "network_mode", true});
    g.add_edge("d", {"a", "depends_on", true});
    auto cycle = g.find_cycle();
    REQUIRE(cycle);
    CHECK(format_cycle(*cycle) == "a -> b -> c -> a");
    CHECK_FALSE(sample().find_cycle());

    DependencyGraph self;
    self.add_edge("x", {"x", "depends_on", true});
    REQUIRE(self.find_cycle());
    CHECK(format_cycle(*self.find_cycle()) == "x -> x");
}

TEST_CASE("a walk over a hand-made cycle finishes with the cycle skipped") {
    DependencyGraph g;
    g.add_edge("a", {"b", "depends_on", true});
    g.add_edge("b", {"a", "depends_on", true});
    g.add_node("c");
    GraphWalker w(g, Direction::Start);
    w.run([](const std::string&, GraphWalker::Done done) { done(true, {}); });
    CHECK(w.finished());
    CHECK(w.outcome("c") == Outcome::Done);
    CHECK(w.outcome("a") == Outcome::Skipped);
    CHECK(w.error("a") == "dependency cycle");
}

TEST_CASE("a 1,000-deep chain walks without deep recursion") {
    DependencyGraph g;
    for (int i = 1; i < 1000; ++i)
        g.add_edge("s" + std::to_string(i), {"s" + std::to_string(i - 1), "depends_on", true});
    CHECK_FALSE(g.find_cycle());
    auto order = walk_order(g, Direction::Start);
    REQUIRE(order.size() == 1000);
    CHECK(order.front() == "s0");
    CHECK(order.back() == "s999");
}

TEST_CASE("sub-graphs for `up svc` and `stop svc`") {
    auto g = sample();
    auto up = g.with_dependencies({"api"});
    CHECK(up.nodes() == std::vector<std::string>{"api", "db"});
    auto stop = g.with_dependants({"db"});
    CHECK(stop.nodes() == std::vector<std::string>{"api", "db", "web", "worker"});
    CHECK(g.dependants("db") == std::vector<std::string>{"api", "worker"});
}

TEST_CASE("ordering_among keeps the order of a subset through the nodes left out") {
    auto g = sample();  // web -> api -> db, web -> cache, worker -> db
    auto sub = g.ordering_among({"web", "db", "cache"});
    CHECK(sub.nodes() == std::vector<std::string>{"cache", "db", "web"});
    std::vector<std::string> web_deps;
    for (const auto& d : sub.dependencies("web")) web_deps.push_back(d.service);
    std::sort(web_deps.begin(), web_deps.end());
    CHECK(web_deps == std::vector<std::string>{"cache", "db"});  // db through api, left out
    CHECK(sub.dependencies("db").empty());
    auto stop = walk_order(sub, Direction::Stop);
    CHECK(pos(stop, "web") < pos(stop, "db"));
    CHECK(g.ordering_among({"worker", "cache"}).dependencies("worker").empty());
}
