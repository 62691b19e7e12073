#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <csignal>

#include "orchestrator/engine/container_spec_builder.hpp"
#include "orchestrator/engine/service_policies.hpp"
#include "orchestrator/engine/stack_extension.hpp"
#include "runtime/sys/error.hpp"

using namespace stk;
using namespace stk::engine;
namespace fs = std::filesystem;

namespace {

struct TempRoots {
    fs::path root;
    TempRoots() {
        static std::atomic<int> n{0};
        root = fs::temp_directory_path() /
               ("stk-spec-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
        fs::create_directories(root / "data");
        ::setenv("STACK_DATA_ROOT", (root / "data").c_str(), 1);
    }
    ~TempRoots() {
        std::error_code ec;
        fs::remove_all(root, ec);
    }
};

model::Service host_service(const std::string& name) {
    model::Service s;
    s.name = name;
    s.command = model::CommandLine{{"sh", "-c", "echo hi"}, false};
    s.extensions["x-stack"] = nlohmann::json{{"rootfs", "host"}};
    return s;
}

}  // namespace

TEST_CASE("spec of a host-rootfs service: command, env, hostname, signal, network, labels") {
    TempRoots roots;
    model::Project p;
    p.name = "demo";
    p.working_dir = roots.root;
    model::Service s = host_service("web");
    s.environment["A"] = "1";
    s.environment["UNSET"] = std::nullopt;
    s.stop_signal = "SIGINT";
    s.stop_grace_period = std::chrono::seconds(3);
    s.working_dir = "/tmp";
    s.labels["x"] = "y";
    p.services.push_back(s);
    InstanceInputs in{&p, &p.services[0], 2, "demo-web-2", roots.root / "c", "/run/x/netns/n"};
    auto spec = build_container_spec(in);
    CHECK(spec.name == "demo-web-2");
    CHECK(spec.hostname == "demo-web-2");
    CHECK(spec.rootfs.kind == runtime::RootfsSpec::Kind::HostView);
    CHECK(spec.process.args == std::vector<std::string>{"sh", "-c", "echo hi"});
    CHECK(std::count(spec.process.env.begin(), spec.process.env.end(), "A=1") == 1);
    CHECK(std::none_of(spec.process.env.begin(), spec.process.env.end(),
                       [](const std::string& e) { return e.rfind("UNSET", 0) == 0; }));
    CHECK(spec.process.env.front().rfind("PATH=", 0) == 0);
    CHECK(spec.process.cwd == "/tmp");
    CHECK(spec.process.stop_signal == SIGINT);
    CHECK(spec.process.stop_grace == std::chrono::seconds(3));
    CHECK(spec.network.mode == runtime::NetworkSpec::Mode::Join);
    CHECK(spec.network.netns_path == "/run/x/netns/n");
    CHECK(spec.labels.at("com.docker.compose.project") == "demo");
    CHECK(spec.labels.at("com.docker.compose.service") == "web");
    CHECK(spec.labels.at("com.docker.compose.container-number") == "2");
    CHECK(spec.labels.at("x") == "y");
}

TEST_CASE("spec volumes: named under the data root, anonymous per container, tmpfs options") {
    TempRoots roots;
    model::Project p;
    p.name = "demo";
    p.working_dir = roots.root;
    p.volumes["data"] = model::Volume{"demo_data", "", {}, false, {}, {}};
    model::Service s = host_service("db");
    model::VolumeMount named;
    named.type = "volume";
    named.source = "data";
    named.target = "/data";
    model::VolumeMount anon;
    anon.type = "volume";
    anon.target = "/cache";
    s.volumes = {named, anon};
    s.tmpfs = {"/run:size=1m,mode=1777"};
    p.services.push_back(s);
    InstanceInputs in{&p, &p.services[0], 1, "demo-db-1", roots.root / "c", {}};
    auto spec = build_container_spec(in);
    REQUIRE(spec.mounts.size() == 3);
    CHECK(spec.mounts[0].kind == runtime::MountSpec::Kind::Volume);
    CHECK(spec.mounts[0].source == roots.root / "data" / "volumes" / "demo_data" / "_data");
    CHECK(fs::is_directory(spec.mounts[0].source));
    CHECK(spec.mounts[1].source ==
          roots.root / "data" / "volumes" / "demo_anon_demo-db-1_1" / "_data");
    CHECK(spec.mounts[2].kind == runtime::MountSpec::Kind::Tmpfs);
    CHECK(spec.mounts[2].tmpfs_size == (1u << 20));
    CHECK(spec.mounts[2].tmpfs_mode == 01777u);
    CHECK(spec.network.mode == runtime::NetworkSpec::Mode::None);
}

TEST_CASE("an image without a store and a missing rootfs are errors naming the service") {
    TempRoots roots;
    model::Project p;
    p.name = "demo";
    p.working_dir = roots.root;
    model::Service s;
    s.name = "web";
    s.image = "nginx";
    s.command = model::CommandLine{{"true"}, false};
    p.services.push_back(s);
    InstanceInputs in{&p, &p.services[0], 1, "demo-web-1", roots.root / "c", {}};
    try {
        build_container_spec(in);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("service \"web\"") && Catch::Contains("nginx"));
    }
    p.services[0].image.clear();
    p.services[0].extensions["x-stack"] = nlohmann::json{{"rootfs", "./nope"}};
    CHECK_THROWS_WITH(build_container_spec(in), Catch::Contains("is not a directory"));
}

TEST_CASE("x-stack: rootfs relative to the project, probes, switches, bad keys") {
    model::Service s;
    s.name = "api";
    s.extensions["x-stack"] = nlohmann::json{{"rootfs", "./root"},
                                             {"fast_probes", false},
                                             {"restart_on_unhealthy", true},
                                             {"healthcheck", {{"http", {{"port", 8080}, {"path", "/h"}}}}}};
    auto x = read_stack_extension(s, "/proj");
    CHECK(x.rootfs == "/proj/root");
    CHECK_FALSE(x.fast_probes);
    CHECK(x.restart_on_unhealthy);
    REQUIRE(x.probe);
    CHECK(x.probe->kind == "http");
    CHECK(x.probe->port == 8080);
    CHECK(x.probe->path == "/h");
    s.extensions["x-stack"] = nlohmann::json{{"healthcheck", {{"tcp", 70000}}}};
    CHECK_THROWS_WITH(read_stack_extension(s, "/proj"), Catch::Contains("x-stack.healthcheck.tcp"));
    s.extensions["x-stack"] = nlohmann::json{{"rootfz", "host"}};
    CHECK_THROWS_WITH(read_stack_extension(s, "/proj"), Catch::Contains("unknown key"));
}

TEST_CASE("healthcheck config: CMD-SHELL, disable, native probe, defaults") {
    model::Service s;
    s.name = "db";
    model::Healthcheck h;
    h.kind = model::HealthTestKind::CmdShell;
    h.test = {"pg_isready"};
    h.interval = std::chrono::seconds(1);
    h.retries = 5;
    s.healthcheck = h;
    auto c = health_config_of(s, StackExtension{});
    CHECK(c.test.kind == supervise::HealthTestKind::CmdShell);
    CHECK(c.interval == std::chrono::seconds(1));
    CHECK(c.retries == 5);
    CHECK(c.timeout == std::chrono::seconds(30));
    CHECK(c.fast_probes);
    StackExtension x;
    x.fast_probes = false;
    x.probe = NativeProbe{"tcp", 5432, "/"};
    c = health_config_of(s, x);
    CHECK(c.test.kind == supervise::HealthTestKind::Tcp);
    CHECK(c.test.port == 5432);
    CHECK_FALSE(c.fast_probes);
    s.healthcheck->disable = true;
    CHECK_FALSE(health_config_of(s, x).enabled());
    CHECK_FALSE(health_config_of(model::Service{}, StackExtension{}).enabled());
}

TEST_CASE("restart policy from restart: or deploy.restart_policy, replicas") {
    model::Service s;
    s.name = "job";
    s.restart = "on-failure:2";
    auto p = restart_policy_of(s);
    CHECK(p.mode == supervise::RestartMode::OnFailure);
    CHECK(p.max_attempts == 2);
    s.deploy = model::Deploy{};
    s.deploy->restart_policy = model::RestartPolicy{"any", std::nullopt, 4, std::nullopt};
    p = restart_policy_of(s);
    CHECK(p.mode == supervise::RestartMode::Always);
    CHECK(p.max_attempts == 4);
    s.deploy->restart_policy.reset();
    s.restart = "sometimes";
    CHECK_THROWS_WITH(restart_policy_of(s), Catch::Contains("service \"job\""));
    s.restart.clear();
    CHECK(restart_policy_of(s).mode == supervise::RestartMode::No);

    CHECK(replicas_of(s, {}) == 1);
    s.scale = 2;
    CHECK(replicas_of(s, {}) == 2);
    s.deploy->replicas = 3;
    CHECK(replicas_of(s, {}) == 3);
    CHECK(replicas_of(s, {{"job", 5}}) == 5);
}

TEST_CASE("unhonoured keys are listed by name") {
    model::Service s;
    s.name = "x";
    CHECK(unhonoured_keys(s).empty());
    s.build = model::Build{};
    s.devices.push_back({"/dev/null", "/dev/null", "rwm"});
    s.oom_score_adj = 5;
    auto keys = unhonoured_keys(s);
    CHECK(std::find(keys.begin(), keys.end(), "build") == keys.end());  // stack build honours it
    CHECK(std::find(keys.begin(), keys.end(), "devices") != keys.end());
    CHECK(std::find(keys.begin(), keys.end(), "oom_score_adj") != keys.end());
    CHECK(keys.size() == 2);
}
