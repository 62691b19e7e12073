// top, stats, port, inspect, events, version, completion.
#include <catch2/catch.hpp>

#include <map>

#include "tests/integration/commands/commands_support.hpp"

using cmdtest::count_of;
using cmdtest::pid_of;
using e2e::eventually;
using e2e::Project;
using namespace std::chrono_literals;

namespace {

const char* kWeb = R"yaml(
services:
  web:
    command: ["sh", "-c", "sleep 1000 & wait"]
    ports: ["127.0.0.1::8080"]
    healthcheck:
      test: ["CMD", "true"]
      interval: 1s
    x-stack: {rootfs: host}
)yaml";

}  // namespace

TEST_CASE("top lists the container processes and stats reads its cgroup") {
    Project p(kWeb);
    REQUIRE(p.run({"up", "-d"}).code == 0);
    auto r = p.run({"top"});
    CHECK(r.code == 0);
    CHECK(r.out.rfind(p.cname("web") + "\nUID", 0) == 0);
    CHECK(r.out.find("sleep 1000") != std::string::npos);
    CHECK(r.out.find(std::to_string(pid_of(p, "web"))) != std::string::npos);

    r = p.run({"stats", "--no-stream", "--format", "json"});
    CHECK(r.code == 0);
    auto j = nlohmann::json::parse(r.out.substr(0, r.out.find('\n')));
    CHECK(j["Name"] == p.cname("web"));
    CHECK(std::stoi(j["PIDs"].get<std::string>()) >= 2);  // sh and sleep
    CHECK(j["MemUsageBytes"].get<uint64_t>() > 0);
    CHECK(j["CPUPerc"].get<std::string>().back() == '%');
    r = p.run({"stats", "--no-stream"});
    CHECK(r.out.rfind("NAME", 0) == 0);
    CHECK(r.out.find(p.cname("web")) != std::string::npos);
}

TEST_CASE("port prints the published address and inspect shows state and config and health") {
    Project p(kWeb);
    REQUIRE(p.run({"up", "-d", "--wait"}).code == 0);
    auto r = p.run({"port", "web", "8080"});
    CHECK(r.code == 0);
    REQUIRE(r.out.rfind("127.0.0.1:", 0) == 0);
    int host_port = std::stoi(r.out.substr(10));
    CHECK(host_port > 0);
    CHECK(p.run({"port", "web", "9999"}).code == 1);
    CHECK(p.run({"port", "--protocol", "udp", "web", "8080"}).code == 1);

    r = p.run({"inspect", "web"});
    CHECK(r.code == 0);
    auto j = nlohmann::json::parse(r.out);
    REQUIRE(j.size() == 1);
    CHECK(j[0]["Name"] == p.cname("web"));
    CHECK(j[0]["State"]["Status"] == "running");
    CHECK(j[0]["State"]["Pid"] == pid_of(p, "web"));
    CHECK(j[0]["State"]["Health"]["Status"] == "healthy");
    CHECK_FALSE(j[0]["State"]["Health"]["Log"].empty());
    CHECK(j[0]["Config"]["Cmd"][0] == "sh");
    CHECK(j[0]["NetworkSettings"]["Ports"]["8080/tcp"][0]["HostPort"] == std::to_string(host_port));
    CHECK(p.run({"inspect", p.cname("web")}).code == 0);
    CHECK(p.run({"inspect", "nosuch"}).code == 1);
}

TEST_CASE("events streams die with the exit code and kill and restart and start and health_status") {
    Project p(R"yaml(
services:
  crash:
    command: ["sh", "-c", "sleep 1; exit 4"]
    restart: on-failure:1
    x-stack: {rootfs: host}
  web:
    command: ["sleep", "1000"]
    healthcheck:
      test: ["CMD", "true"]
      interval: 1s
    x-stack: {rootfs: host}
)yaml");
    REQUIRE(p.run({"up", "-d"}).code == 0);
    pid_t ev = p.spawn({"events", "--json"}, "events");
    pid_t text = p.spawn({"events", "web"}, "events-text");
    std::this_thread::sleep_for(300ms);  // both watching before anything happens
    REQUIRE(p.run({"kill", "-s", "TERM", "web"}).code == 0);
    auto out = [&] { return e2e::slurp(p.dir / "events.out"); };
    REQUIRE(eventually([&] { return count_of(out(), "\"exitCode\":\"4\"") == 2; }));
    REQUIRE(eventually([&] { return out().find("\"action\":\"kill\"") != std::string::npos; }));
    CHECK(out().find("\"action\":\"restart\"") != std::string::npos);
    CHECK(out().find("\"action\":\"die\"") != std::string::npos);
    CHECK(out().find("\"service\":\"crash\"") != std::string::npos);
    CHECK(p.run({"start", "web"}).code == 0);
    REQUIRE(eventually([&] {
        return out().find("\"action\":\"health_status: healthy\"") != std::string::npos;
    }));
    // `down` ends both followers by itself.
    CHECK(p.run({"down", "-t", "1"}).code == 0);
    CHECK(Project::wait_exit(ev) == 0);
    CHECK(Project::wait_exit(text) == 0);
    auto text_out = e2e::slurp(p.dir / "events-text.out");
    CHECK(text_out.find("container kill " + p.cname("web")) != std::string::npos);
    CHECK(text_out.find("crash") == std::string::npos);  // filtered to web
}

TEST_CASE("version --short and --format json and every command has --help") {
    Project p("services: {}\n");
    CHECK(p.run({"version", "--short"}).out == "0.1.0\n");
    auto j = nlohmann::json::parse(p.run({"version", "--format", "json"}).out);
    CHECK(j["version"] == "0.1.0");
    for (const char* c : {"exec", "run", "start", "stop", "restart", "kill", "pause", "unpause",
                          "rm", "top", "stats", "events", "wait", "port", "inspect", "completion"}) {
        auto r = p.run({c, "--help"});
        INFO(c);
        CHECK(r.code == 0);
        CHECK(r.out.find("Usage") != std::string::npos);
    }
}

TEST_CASE("completion bash completes commands and flags and the service names of the file") {
    Project p(R"yaml(
services:
  alpha: {command: ["true"], x-stack: {rootfs: host}}
  beta: {command: ["true"], x-stack: {rootfs: host}}
)yaml");
    auto script = p.run({"completion", "bash"});
    REQUIRE(script.code == 0);
    std::ofstream(p.dir / "completion.bash") << script.out;
    auto complete = [&](const std::string& words, int cword) {
        std::string bin_dir = std::filesystem::path(STACK_BINARY).parent_path().string();
        std::string cmd = "PATH=" + bin_dir + ":$PATH; source " + (p.dir / "completion.bash").string() +
                          "; COMP_WORDS=(" + words + "); COMP_CWORD=" + std::to_string(cword) +
                          "; _stack; echo \"${COMPREPLY[*]}\"";
        std::string out;
        FILE* f = ::popen(("bash -c '" + cmd + "'").c_str(), "r");
        char buf[4096];
        for (size_t n; f && (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
        if (f) ::pclose(f);
        return out;
    };
    CHECK(complete("stack res \"\"", 1) == "restart\n");
    CHECK(complete("stack exec --ind", 2) == "--index\n");
    std::string file = (p.dir / "compose.yaml").string();
    CHECK(complete("stack -f " + file + " stop \"\"", 4) == "alpha beta\n");
    CHECK(complete("stack -f " + file + " stop b", 4) == "beta\n");
}

TEST_CASE("stats NET I/O grows with the traffic between two containers and BLOCK I/O is shown") {
    Project p(R"yaml(
services:
  srv:
    command: ["python3", "-m", "http.server", "8000", "--bind", "0.0.0.0"]
    x-stack: {rootfs: host}
  client:
    command: ["sleep", "1000"]
    x-stack: {rootfs: host}
)yaml");
    REQUIRE(p.run({"up", "-d"}).code == 0);
    auto sample = [&] {
        std::map<std::string, nlohmann::json> by_name;
        auto r = p.run({"stats", "--no-stream", "--format", "json", "srv", "client"});
        std::istringstream in(r.out);
        for (std::string line; std::getline(in, line);)
            if (!line.empty()) {
                auto j = nlohmann::json::parse(line);
                by_name[j["Name"].get<std::string>()] = j;
            }
        return by_name;
    };
    auto before = sample();
    REQUIRE(before.count(p.cname("srv")) == 1);
    REQUIRE(before.count(p.cname("client")) == 1);
    auto fetch = p.run({"exec", "-T", "client", "python3", "-c",
                        "import time, urllib.request\n"
                        "for i in range(100):\n"
                        "    try:\n"
                        "        urllib.request.urlopen('http://srv:8000/').read(); break\n"
                        "    except OSError: time.sleep(0.1)\n"
                        "for i in range(20): urllib.request.urlopen('http://srv:8000/').read()\n"});
    INFO(fetch.err);
    REQUIRE(fetch.code == 0);
    auto after = sample();
    const auto& s0 = before[p.cname("srv")];
    const auto& s1 = after[p.cname("srv")];
    const auto& c0 = before[p.cname("client")];
    const auto& c1 = after[p.cname("client")];
    INFO(s1.dump() << c1.dump());
    // 21 directory listings of / went from srv to client.
    CHECK(s1["NetTxBytes"].get<uint64_t>() >= s0["NetTxBytes"].get<uint64_t>() + 10000);
    CHECK(c1["NetRxBytes"].get<uint64_t>() >= c0["NetRxBytes"].get<uint64_t>() + 10000);
    CHECK(c1["NetTxBytes"].get<uint64_t>() > c0["NetTxBytes"].get<uint64_t>());
    CHECK(s1["NetIO"].get<std::string>().find(" / ") != std::string::npos);
    CHECK(s1["BlockIO"].get<std::string>().find(" / ") != std::string::npos);
    CHECK(s1["BlockReadBytes"].is_number_unsigned());

    auto table = p.run({"stats", "--no-stream"});
    CHECK(table.out.find("NET I/O") != std::string::npos);
    CHECK(table.out.find("BLOCK I/O") != std::string::npos);
}
