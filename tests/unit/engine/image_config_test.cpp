#include <catch2/catch.hpp>

#include "orchestrator/engine/container_spec_builder.hpp"
#include "orchestrator/engine/image_config.hpp"
#include "orchestrator/engine/image_provider.hpp"
#include "orchestrator/engine/service_policies.hpp"
#include "runtime/sys/error.hpp"

using namespace stk;
using namespace stk::engine;
using namespace std::chrono_literals;

namespace {

image::OciImageConfig nginx_like() {
    image::OciImageConfig c;
    c.entrypoint = std::vector<std::string>{"/docker-entrypoint.sh"};
    c.cmd = std::vector<std::string>{"nginx", "-g", "daemon off;"};
    c.env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "NGINX_VERSION=1.25", "MODE=image"};
    c.working_dir = "/srv";
    c.user = "101:101";
    c.stop_signal = "SIGQUIT";
    c.exposed_ports = {"80/tcp"};
    c.volumes = {"/var/cache/nginx", "/data"};
    c.labels = {{"maintainer", "image"}, {"shared", "image"}};
    c.healthcheck = image::ImageHealthcheck{{"CMD", "curl", "-f", "http://localhost/"}, 5s, 2s, 10s, {}, 4};
    return c;
}

model::Service named(const char* name) {
    model::Service s;
    s.name = name;
    s.image = "nginx";
    return s;
}

}  // namespace

TEST_CASE("image Entrypoint and Cmd apply when the service gives neither") {
    auto s = apply_image_config(named("web"), nginx_like());
    REQUIRE(s.entrypoint);
    REQUIRE(s.command);
    CHECK(s.entrypoint->argv == std::vector<std::string>{"/docker-entrypoint.sh"});
    CHECK(s.command->argv == std::vector<std::string>{"nginx", "-g", "daemon off;"});
}

TEST_CASE("command replaces the image Cmd and keeps its Entrypoint") {
    auto svc = named("web");
    svc.command = model::CommandLine{{"nginx", "-T"}, false};
    auto s = apply_image_config(svc, nginx_like());
    CHECK(s.entrypoint->argv == std::vector<std::string>{"/docker-entrypoint.sh"});
    CHECK(s.command->argv == std::vector<std::string>{"nginx", "-T"});
}

TEST_CASE("entrypoint without command clears the image Cmd, with command keeps the command") {
    auto svc = named("web");
    svc.entrypoint = model::CommandLine{{"sh", "-c", "exec nginx"}, false};
    auto s = apply_image_config(svc, nginx_like());
    CHECK(s.entrypoint->argv == std::vector<std::string>{"sh", "-c", "exec nginx"});
    CHECK(s.command->argv.empty());
    svc.command = model::CommandLine{{"extra"}, false};
    CHECK(apply_image_config(svc, nginx_like()).command->argv == std::vector<std::string>{"extra"});
    // An empty entrypoint clears the image Entrypoint and, without command, its Cmd too.
    svc.entrypoint = model::CommandLine{{}, false};
    svc.command.reset();
    auto cleared = apply_image_config(svc, nginx_like());
    CHECK(cleared.entrypoint->argv.empty());
    CHECK(cleared.command->argv.empty());
}

TEST_CASE("environment is the image Env overlaid by the service's by name") {
    auto svc = named("web");
    svc.environment["MODE"] = "service";
    svc.environment["EXTRA"] = "1";
    svc.environment["NGINX_VERSION"] = std::nullopt;  // unresolved bare name: the image's stays
    auto s = apply_image_config(svc, nginx_like());
    CHECK(s.environment.at("MODE") == "service");
    CHECK(s.environment.at("EXTRA") == "1");
    CHECK(s.environment.at("NGINX_VERSION") == "1.25");
    CHECK(s.environment.at("PATH") == "/usr/sbin:/usr/bin:/sbin:/bin");
}

TEST_CASE("working_dir, user and stop_signal: the service's, else the image's") {
    auto s = apply_image_config(named("web"), nginx_like());
    CHECK(s.working_dir == "/srv");
    CHECK(s.user == "101:101");
    CHECK(s.stop_signal == "SIGQUIT");
    auto svc = named("web");
    svc.working_dir = "/app";
    svc.user = "nobody";
    svc.stop_signal = "SIGTERM";
    s = apply_image_config(svc, nginx_like());
    CHECK(s.working_dir == "/app");
    CHECK(s.user == "nobody");
    CHECK(s.stop_signal == "SIGTERM");
}

TEST_CASE("healthcheck merges field by field, disable and NONE turn it off") {
    auto svc = named("web");
    svc.healthcheck = model::Healthcheck{};
    svc.healthcheck->interval = 1s;  // only the interval: test, timeout, retries from the image
    auto s = apply_image_config(svc, nginx_like());
    REQUIRE(s.healthcheck);
    CHECK(s.healthcheck->kind == model::HealthTestKind::Cmd);
    CHECK(s.healthcheck->test == std::vector<std::string>{"curl", "-f", "http://localhost/"});
    CHECK(s.healthcheck->interval == std::chrono::nanoseconds(1s));
    CHECK(s.healthcheck->timeout == std::chrono::nanoseconds(2s));
    CHECK(s.healthcheck->start_period == std::chrono::nanoseconds(10s));
    CHECK(s.healthcheck->retries == 4u);
    auto cfg = health_config_of(s, StackExtension{});
    CHECK(cfg.test.kind == supervise::HealthTestKind::Cmd);

    svc.healthcheck->kind = model::HealthTestKind::CmdShell;
    svc.healthcheck->test = {"true"};
    s = apply_image_config(svc, nginx_like());
    CHECK(s.healthcheck->kind == model::HealthTestKind::CmdShell);
    CHECK(s.healthcheck->test == std::vector<std::string>{"true"});

    svc.healthcheck = model::Healthcheck{};
    svc.healthcheck->disable = true;
    CHECK(health_config_of(apply_image_config(svc, nginx_like()), StackExtension{}).test.kind ==
          supervise::HealthTestKind::None);

    auto none = nginx_like();
    none.healthcheck->test = {"NONE"};
    CHECK(health_config_of(apply_image_config(named("web"), none), StackExtension{}).test.kind ==
          supervise::HealthTestKind::None);
}

TEST_CASE("image volumes become anonymous volumes unless the service mounts there") {
    auto svc = named("web");
    model::VolumeMount data;
    data.type = "volume";
    data.source = "webdata";
    data.target = "/data/";
    svc.volumes.push_back(data);
    auto s = apply_image_config(svc, nginx_like());
    REQUIRE(s.volumes.size() == 2);
    CHECK(s.volumes[1].type == "volume");
    CHECK(s.volumes[1].source.empty());
    CHECK(s.volumes[1].target == "/var/cache/nginx");
    CHECK(s.expose == std::vector<std::string>{"80/tcp"});
    CHECK(s.labels.at("maintainer") == "image");
}

TEST_CASE("labels of the service win over the image's") {
    auto svc = named("web");
    svc.labels["shared"] = "service";
    CHECK(apply_image_config(svc, nginx_like()).labels.at("shared") == "service");
}

TEST_CASE("pull_policy values and a missing image named with its service") {
    CHECK(parse_pull_policy("") == PullPolicy::Missing);
    CHECK(parse_pull_policy("if_not_present") == PullPolicy::Missing);
    CHECK(parse_pull_policy("every_12h") == PullPolicy::Missing);
    CHECK(parse_pull_policy("never") == PullPolicy::Never);
    CHECK(parse_pull_policy("always") == PullPolicy::Always);
    CHECK(parse_pull_policy("build") == PullPolicy::Build);
    CHECK_THROWS_WITH(parse_pull_policy("sometimes"), Catch::Contains("sometimes"));

    std::string dir = (std::filesystem::temp_directory_path() / ("stk-provider-" + std::to_string(::getpid()))).string();
    LocalImageProvider provider{image::ImageStore(dir)};
    auto svc = named("web");
    svc.pull_policy = "never";
    CHECK_THROWS_WITH(provider.ensure(svc), Catch::Contains("\"nginx\"") && Catch::Contains("docker.io/library/nginx:latest") &&
                                                Catch::Contains("pull_policy is never"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("the spec of an image-based service: overlay of its layers, topmost first, and its labels") {
    model::Project p;
    p.name = "demo";
    p.working_dir = "/";
    image::ImageRecord rec;
    rec.manifest_digest = image::Digest::of("m");
    rec.config_digest = image::Digest::of("c");
    rec.config = nginx_like();
    rec.config.volumes.clear();
    rec.layer_dirs = {"/store/base", "/store/top"};
    p.services.push_back(apply_image_config(named("web"), rec.config));
    InstanceInputs in{&p, &p.services[0], 1, "demo-web-1", "/nonexistent", {}, &rec};
    auto spec = build_container_spec(in);
    CHECK(spec.rootfs.kind == runtime::RootfsSpec::Kind::Layers);
    CHECK(spec.rootfs.lower_dirs == std::vector<std::filesystem::path>{"/store/top", "/store/base"});
    CHECK(spec.process.args ==
          std::vector<std::string>{"/docker-entrypoint.sh", "nginx", "-g", "daemon off;"});
    CHECK(spec.process.cwd == "/srv");
    CHECK(spec.process.user == "101:101");
    CHECK(spec.process.stop_signal == SIGQUIT);
    CHECK(spec.labels.at(kImageManifestLabel) == rec.manifest_digest.str());
    CHECK(spec.labels.at("com.docker.compose.image") == rec.config_digest.str());
}
