#include <catch2/catch.hpp>

#include "tests/integration/e2e/e2e_support.hpp"

using e2e::Project;

TEST_CASE("up --dry-run prints the plan and changes nothing, before and after an edit") {
    const char* first = R"yaml(
services:
  db:
    command: ["sleep", "1000"]
    x-stack: {rootfs: host}
  web:
    command: ["sleep", "1000"]
    depends_on: [db]
    x-stack: {rootfs: host}
)yaml";
    Project p(first);
    auto dry = p.run({"up", "--dry-run"});
    REQUIRE(dry.code == 0);
    CHECK(dry.out.find("create    " + p.cname("db") + "  (new)") != std::string::npos);
    CHECK(dry.out.find("create    " + p.cname("web") + "  (new)") != std::string::npos);
    CHECK(p.run({"ps", "-a", "-q"}).out.empty());  // nothing was created

    REQUIRE(p.run({"up", "-d"}).code == 0);
    std::string edited = first;
    edited.replace(edited.find("\"sleep\", \"1000\"]\n    depends_on"), 15, "\"sleep\", \"2000\"");
    p.write(edited);
    dry = p.run({"up", "--dry-run"});
    REQUIRE(dry.code == 0);
    INFO(dry.out);
    CHECK(dry.out.find("recreate  " + p.cname("web")) != std::string::npos);
    CHECK(dry.out.find("keep      " + p.cname("db")) != std::string::npos);
}
