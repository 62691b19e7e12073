// The issue's scenario: a multi-stage Dockerfile (ARG, COPY --from, USER, WORKDIR, ENV, a
// deletion across layers, .dockerignore, HEALTHCHECK) built with `stack build`, run with
// `stack up`, rebuilt unchanged (all cached) and after touching one file (later steps rerun).
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "image/build/fs/layer_view.hpp"
#include "tests/integration/build/build_support.hpp"

using buildtest::BuildProject;
namespace fs = std::filesystem;

namespace {

const char* kCompose = R"(services:
  web:
    image: stk-test/built-web:v1
    build:
      context: .
      args:
        GREETING: from-compose
      tags: ["stk-test/built-web:extra"]
    healthcheck:
      interval: 1s
)";

const char* kDockerfile = R"(# syntax=docker/dockerfile:1
ARG BASE=stk-test/busybox:latest
FROM ${BASE} AS builder
ARG GREETING=hello
WORKDIR /build
COPY src/ ./src/
RUN cat src/*.txt > combined.txt && echo "$GREETING" > greeting.txt
RUN echo temporary > /build/scratch.txt

FROM ${BASE}
RUN echo 'app:x:1000:1000::/home/app:/bin/sh' >> /etc/passwd && echo 'app:x:1000:' >> /etc/group && mkdir -p /home/app
RUN rm /app/hello.txt
ENV APP_MODE=production \
    APP_HOME=/srv
WORKDIR $APP_HOME
COPY --from=builder --chown=app:app /build/combined.txt /build/greeting.txt data/
COPY config.txt ./
USER app
HEALTHCHECK --interval=1s --timeout=2s CMD test -f /srv/data/combined.txt
CMD ["sh", "-c", "echo started as $(id -u) in $PWD; exec sleep 3600"]
)";

void write_context(const BuildProject& p) {
    p.file("Dockerfile", kDockerfile);
    p.file("src/a.txt", "alpha\n");
    p.file("src/b.txt", "beta\n");
    p.file("src/debug.log", "must not be copied\n");
    p.file("config.txt", "config v1\n");
    p.file(".dockerignore", "# logs stay out\n**/*.log\n");
}

std::string read_in_image(const stk::image::ImageRecord& rec, const std::string& rel, struct stat* st = nullptr) {
    stk::build::LayerView view(rec.lower_dirs());
    auto e = view.lookup(rel);
    if (!e) return "<missing>";
    if (st) *st = e->st;
    return e2e::slurp(e->real);
}

}  // namespace

TEST_CASE("build: multi-stage image from busybox, run with stack up, cached rebuilds",
          "[build][root]") {
    BuildProject p(kCompose);
    write_context(p);
    auto first = p.run({"build"});
    INFO(first.out << first.err);
    REQUIRE(first.code == 0);
    CHECK(first.out.find("[web builder 1/6] FROM stk-test/busybox:latest@sha256:") != std::string::npos);
    CHECK(first.out.find(" AS builder\n") != std::string::npos);
    CHECK(first.out.find("[web 4/10] ENV APP_MODE=production APP_HOME=/srv") != std::string::npos);
    CHECK(BuildProject::count(first.out, "CACHED") == 0);
    CHECK(first.out.find("# syntax=docker/dockerfile:1 ignored") != std::string::npos);

    auto store = p.store();
    auto rec = store.resolve("stk-test/built-web:v1");
    CHECK(store.resolve("stk-test/built-web:extra").manifest_digest == rec.manifest_digest);
    CHECK(rec.config.user == "app");
    CHECK(rec.config.working_dir == "/srv");
    CHECK(std::count(rec.config.env.begin(), rec.config.env.end(), "APP_MODE=production") == 1);
    REQUIRE(rec.config.healthcheck);
    CHECK(rec.config.healthcheck->test == std::vector<std::string>{"CMD-SHELL", "test -f /srv/data/combined.txt"});
    CHECK(rec.config.history.size() == rec.config.diff_ids.size() + 5);  // 5 metadata steps
    struct stat st {};
    CHECK(read_in_image(rec, "srv/data/combined.txt", &st) == "alpha\nbeta\n");
    CHECK(st.st_uid == 1000);
    CHECK(read_in_image(rec, "srv/data/greeting.txt") == "from-compose\n");
    CHECK(read_in_image(rec, "srv/config.txt") == "config v1\n");
    CHECK(read_in_image(rec, "app/hello.txt") == "<missing>");  // deleted by a later layer
    CHECK(read_in_image(rec, "app/layer2.txt") == "from layer 2\n");
    CHECK(read_in_image(rec, "build/scratch.txt") == "<missing>");  // stayed in the builder stage
    for (size_t i = 2; i < rec.layer_dirs.size(); ++i)  // no mount points in the built layers
        CHECK_FALSE(fs::exists(rec.layer_dirs[i] / "proc"));
    // The deletion is an OCI whiteout in the RUN's layer.
    bool whiteout = false;
    for (const auto& dir : rec.layer_dirs) {
        struct stat w {};
        if (::lstat((dir / "app/hello.txt").c_str(), &w) == 0 && stk::build::is_whiteout(w)) whiteout = true;
    }
    CHECK(whiteout);

    // Run it: files, user, env and health through `stack up`.
    auto up = p.run({"up", "-d", "--wait"});
    INFO(up.out << up.err);
    REQUIRE(up.code == 0);
    auto exec = p.run({"container", "exec", p.cname("web"), "--", "sh", "-c",
                       "id -u; echo $APP_MODE; cat data/combined.txt"});
    INFO(exec.out << exec.err);
    CHECK(exec.out.rfind("1000\nproduction\nalpha\nbeta\n", 0) == 0);
    auto web = p.container(p.cname("web"));
    REQUIRE(web.contains("health"));
    CHECK(web["health"]["status"] == "healthy");
    CHECK(p.log(p.cname("web")).find("started as 1000 in /srv") != std::string::npos);
    REQUIRE(p.run({"down", "-t", "1"}).code == 0);

    // Unchanged: every step after FROM cached, the same image.
    auto again = p.run({"build"});
    INFO(again.out << again.err);
    REQUIRE(again.code == 0);
    CHECK(BuildProject::count(again.out, "CACHED") == 14);
    CHECK(store.resolve("stk-test/built-web:v1").config_digest == rec.config_digest);

    // One copied file changes: its COPY and what follows rerun, nothing before.
    p.file("src/b.txt", "beta v2\n");
    auto touched = p.run({"build"});
    INFO(touched.out << touched.err);
    REQUIRE(touched.code == 0);
    CHECK(touched.out.find("[web builder 3/6] CACHED WORKDIR /build") != std::string::npos);
    CHECK(touched.out.find("[web builder 4/6] COPY src/ ./src/") != std::string::npos);
    CHECK(touched.out.find("[web builder 5/6] RUN cat") != std::string::npos);
    CHECK(touched.out.find("[web 2/10] CACHED RUN echo 'app:x:1000") != std::string::npos);
    CHECK(touched.out.find("[web 6/10] COPY --from=builder") != std::string::npos);
    auto rebuilt = store.resolve("stk-test/built-web:v1");
    CHECK(rebuilt.config_digest != rec.config_digest);
    CHECK(read_in_image(rebuilt, "srv/data/combined.txt") == "alpha\nbeta v2\n");
}
