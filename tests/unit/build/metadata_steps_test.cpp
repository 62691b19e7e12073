#include "image/build/builder/metadata_steps.hpp"

#include <catch2/catch.hpp>

#include "image/build/builder/stage_graph.hpp"
#include "image/build/dockerfile/parser.hpp"

using namespace stk::build;
using stk::image::OciImageConfig;

namespace {

// Applies every instruction of a one-stage Dockerfile after FROM.
OciImageConfig apply_all(const std::string& text, StageEnv& env, std::vector<std::string>* shown = nullptr) {
    static std::vector<Dockerfile> keep;  // instructions must outlive the env
    keep.push_back(parse_dockerfile(text));
    OciImageConfig c;
    for (const auto& ins : keep.back().instructions) {
        if (ins.keyword == "FROM") continue;
        auto s = apply_metadata(ins, env, c);
        if (shown) shown->push_back(s);
    }
    return c;
}

}  // namespace

TEST_CASE("metadata: ENV, LABEL, WORKDIR and USER with expansion", "[metadata]") {
    StageEnv env;
    std::vector<std::string> shown;
    auto c = apply_all(
        "FROM x\n"
        "ARG VERSION=1.2\n"
        "ENV APP_HOME=/srv/app LEVEL=\"debug mode\"\n"
        "ENV LEGACY value with spaces\n"
        "ENV DERIVED=${APP_HOME}/v$VERSION\n"
        "LABEL org.version=$VERSION \"quoted key\"=yes\n"
        "WORKDIR $APP_HOME\n"
        "WORKDIR sub/../data\n"
        "USER ${RUNAS:-app}:app\n",
        env, &shown);
    CHECK(c.env == std::vector<std::string>{"APP_HOME=/srv/app", "LEVEL=debug mode",
                                            "LEGACY=value with spaces", "DERIVED=/srv/app/v1.2"});
    CHECK(c.labels.at("org.version") == "1.2");
    CHECK(c.labels.at("quoted key") == "yes");
    CHECK(c.working_dir == "/srv/app/data");
    CHECK(c.user == "app:app");
    CHECK(shown[0] == "ARG VERSION=1.2");
    CHECK(shown[1] == "ENV APP_HOME=/srv/app LEVEL=\"debug mode\"");
}

TEST_CASE("metadata: ARG takes build args, then its default, then the global value", "[metadata]") {
    StageEnv env;
    env.build_args = {{"A", "from-cli"}, {"HTTP_PROXY", "http://proxy"}};
    env.meta_args = {{"G", "global"}};
    auto c = apply_all("FROM x\nARG A=default\nARG B=b-$A\nARG G\nARG NONE\nENV B=env-wins\n", env);
    CHECK(env.args.at("A") == "from-cli");
    CHECK(env.args.at("B") == "b-from-cli");
    CHECK(env.args.at("G") == "global");
    CHECK(env.args.at("NONE") == "");
    auto vars = env.vars(c);
    CHECK(vars.at("B") == "env-wins");
    auto run = env.run_env(c);
    CHECK(std::count(run.begin(), run.end(), "B=env-wins") == 1);
    CHECK(std::count(run.begin(), run.end(), "A=from-cli") == 1);
    CHECK(std::count(run.begin(), run.end(), "HTTP_PROXY=http://proxy") == 1);
    CHECK(std::count(run.begin(), run.end(), std::string("PATH=") + kDefaultPath) == 1);
    CHECK(c.env == std::vector<std::string>{"B=env-wins"});  // ARGs stay out of the image
}

TEST_CASE("metadata: CMD, ENTRYPOINT, SHELL, EXPOSE, VOLUME, STOPSIGNAL", "[metadata]") {
    StageEnv env;
    OciImageConfig base;
    base.cmd = std::vector<std::string>{"inherited"};
    auto df = parse_dockerfile(
        "FROM x\nENTRYPOINT [\"/app\"]\nSHELL [\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]\n"
        "CMD serve --port 80\nEXPOSE 80 53/udp 8000-8002\nVOLUME /data /logs\nVOLUME [\"/a\", \"/b\"]\n"
        "STOPSIGNAL SIGQUIT\n");
    OciImageConfig c = base;
    apply_metadata(df.instructions[1], env, c);
    CHECK_FALSE(c.cmd.has_value());  // a new ENTRYPOINT drops the inherited CMD
    for (size_t i = 2; i < df.instructions.size(); ++i) apply_metadata(df.instructions[i], env, c);
    CHECK(*c.entrypoint == std::vector<std::string>{"/app"});
    CHECK(*c.cmd == std::vector<std::string>{"/bin/ash", "-eo", "pipefail", "-c", "serve --port 80"});
    CHECK(c.exposed_ports == std::vector<std::string>{"80/tcp", "53/udp", "8000/tcp", "8001/tcp", "8002/tcp"});
    CHECK(c.volumes == std::vector<std::string>{"/data", "/logs", "/a", "/b"});
    CHECK(c.stop_signal == "SIGQUIT");
}

TEST_CASE("metadata: HEALTHCHECK flags and forms", "[metadata]") {
    StageEnv env;
    auto c = apply_all("FROM x\nHEALTHCHECK --interval=1s --timeout=500ms --retries=2 --start-period=1m30s CMD test -f /ok\n", env);
    REQUIRE(c.healthcheck);
    CHECK(c.healthcheck->test == std::vector<std::string>{"CMD-SHELL", "test -f /ok"});
    CHECK(*c.healthcheck->interval == std::chrono::seconds(1));
    CHECK(*c.healthcheck->timeout == std::chrono::milliseconds(500));
    CHECK(*c.healthcheck->start_period == std::chrono::seconds(90));
    CHECK(*c.healthcheck->retries == 2);
    auto e = apply_all("FROM x\nHEALTHCHECK CMD [\"/bin/check\", \"-q\"]\n", env);
    CHECK(e.healthcheck->test == std::vector<std::string>{"CMD", "/bin/check", "-q"});
    auto n = apply_all("FROM x\nHEALTHCHECK NONE\n", env);
    CHECK(n.healthcheck->test == std::vector<std::string>{"NONE"});
    CHECK_THROWS_WITH(apply_all("FROM x\n\nHEALTHCHECK --interval=soon CMD x\n", env),
                      Catch::StartsWith("Dockerfile:3: HEALTHCHECK: invalid duration"));
}

TEST_CASE("metadata: errors name Dockerfile:line", "[metadata]") {
    StageEnv env;
    CHECK_THROWS_WITH(apply_all("FROM x\nENV A=${X:?unset}\n", env), "Dockerfile:2: ENV: X: unset");
    CHECK_THROWS_WITH(apply_all("FROM x\nSHELL /bin/bash\n", env), Catch::StartsWith("Dockerfile:2: SHELL requires the JSON form"));
    CHECK_THROWS_WITH(apply_all("FROM x\nEXPOSE 99999\n", env), Catch::StartsWith("Dockerfile:2: EXPOSE: invalid port"));
    CHECK_THROWS_WITH(apply_all("FROM x\nENV ONLYKEY\n", env), Catch::StartsWith("Dockerfile:2: ENV ONLYKEY needs a value"));
}

TEST_CASE("stages: meta args in FROM, names, --from dependencies and the target", "[stages]") {
    auto df = parse_dockerfile(
        "ARG BASE=busybox\nARG TAG\n"
        "FROM ${BASE}:${TAG:-1} AS Builder\nRUN make\n"
        "FROM scratch AS unused\n"
        "FROM builder AS test\nRUN check\n"
        "FROM busybox\nCOPY --from=builder /out /out\nCOPY --from=0 /x /x\n");
    auto g = plan_stages(df, {{"TAG", "2"}}, "");
    REQUIRE(g.stages.size() == 4);
    CHECK(g.stages[0].base == "busybox:2");
    CHECK(g.stages[0].name == "builder");
    CHECK(g.stages[2].deps == std::vector<size_t>{0});
    CHECK(g.stages[3].deps == std::vector<size_t>{0, 0});
    CHECK(g.target == 3);
    CHECK(g.needed == std::vector<size_t>{0, 3});
    CHECK(g.meta_args.count("TARGETARCH"));
    auto t = plan_stages(df, {}, "test");
    CHECK(t.needed == std::vector<size_t>{0, 2});
    CHECK_THROWS_WITH(plan_stages(df, {}, "nope"), Catch::StartsWith("target stage \"nope\" could not be found"));
    CHECK_THROWS_WITH(plan_stages(parse_dockerfile("RUN x\nFROM y\n"), {}, ""),
                      Catch::StartsWith("Dockerfile:1: RUN before the first FROM"));
    CHECK_THROWS_WITH(plan_stages(parse_dockerfile("FROM a AS x\nFROM b AS x\n"), {}, ""),
                      "Dockerfile:2: duplicate stage name \"x\"");
}
