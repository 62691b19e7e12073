#include <catch2/catch.hpp>

#include "tests/integration/e2e/e2e_support.hpp"
#include "tests/support/busybox_image.hpp"

using namespace e2e;

TEST_CASE("up runs an imported image with its Cmd, Env, WorkingDir, healthcheck and layers") {
    stk::test::BusyboxImage img({.reference = "stk-test/e2e:1"});
    Project p(R"YAML(
services:
  app:
    image: stk-test/e2e:1
  check:
    image: stk-test/e2e:1
    environment:
      IMAGE_VAR: from-service
    entrypoint: ["sh", "-c"]
    command:
      - >-
        test ! -e /etc/doomed && test ! -e /data/opaque/old.txt && test -f /data/opaque/new.txt &&
        test -f /data/keep.txt && test "$$(cat /app/hardlink)" = "from layer 2" &&
        echo layers-ok cwd=$$PWD IMAGE_VAR=$$IMAGE_VAR; exec sleep 3600
    depends_on:
      app: {condition: service_healthy}
)YAML");
    auto imported = p.run({"image", "import", img.docker_archive().string()});
    REQUIRE(imported.code == 0);
    CHECK_THAT(imported.out, Catch::Contains("stk-test/e2e:1"));
    auto images = p.run({"images"});
    CHECK_THAT(images.out, Catch::Contains("stk-test/e2e") && Catch::Contains(img.config_digest().short_hex()));

    auto up = p.run({"up", "-d", "--wait"});
    INFO(up.out << up.err);
    REQUIRE(up.code == 0);
    CHECK(eventually([&] { return p.log(p.cname("app")).find("image-cmd") != std::string::npos; }));
    CHECK_THAT(p.log(p.cname("app")), Catch::Contains("image-cmd cwd=/app IMAGE_VAR=from-image"));
    CHECK(eventually([&] { return p.log(p.cname("check")).find("layers-ok") != std::string::npos; }));
    CHECK_THAT(p.log(p.cname("check")), Catch::Contains("layers-ok cwd=/app IMAGE_VAR=from-service"));
    CHECK(p.container(p.cname("app"))["health"]["status"] == "healthy");

    // In use: rmi refuses without -f.
    auto rmi = p.run({"rmi", "stk-test/e2e:1"});
    CHECK(rmi.code != 0);
    CHECK_THAT(rmi.err, Catch::Contains("used by container"));

    REQUIRE(p.run({"down", "-t", "1"}).code == 0);
    rmi = p.run({"rmi", "stk-test/e2e:1"});
    CHECK(rmi.code == 0);
    CHECK_THAT(rmi.out, Catch::Contains("Untagged: stk-test/e2e:1") && Catch::Contains("Deleted:"));
    CHECK(p.run({"images", "-q"}).out.empty());
    CHECK(fs::is_empty(p.dir / "data/images/layers"));
}

TEST_CASE("up with a missing image fails naming the service and image before creating anything") {
    Project p(R"(
services:
  web:
    image: stk-test/not-there:3
    pull_policy: never
    command: ["true"]
    networks: [front]
networks:
  front: {}
)");
    auto up = p.run({"up", "-d"});
    CHECK(up.code != 0);
    CHECK_THAT(up.err + up.out, Catch::Contains("service \"web\"") && Catch::Contains("stk-test/not-there:3") &&
                                    Catch::Contains("pull_policy is never"));
    CHECK_THAT(up.err + up.out, !Catch::Contains("Network") && !Catch::Contains("Container"));
    auto st = p.state();
    CHECK((!st.contains("containers") || st["containers"].empty()));
}
