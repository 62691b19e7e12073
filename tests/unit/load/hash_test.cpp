#include <catch2/catch.hpp>

#include "decode_fixture.hpp"
#include "orchestrator/load/hash.hpp"

using namespace stk;
using namespace stk::load;
using namespace stk::load::testing;

namespace {

const char* const kBase = R"(
services:
  web:
    image: nginx
    environment: {A: "1"}
    ports: ["8080:80"]
    depends_on: [db]
    profiles: [web]
    scale: 1
    pull_policy: missing
    build: ./web
    deploy: {replicas: 1, resources: {limits: {memory: 64m}}}
  db:
    image: postgres
)";

std::string hash_of(const std::string& yaml) {
    return config_hash(*decode_ok(yaml).find_service("web"));
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
    auto pos = s.find(from);
    REQUIRE(pos != std::string::npos);
    return s.replace(pos, from.size(), to);
}

}  // namespace

TEST_CASE("hash: sha256 of known input") {
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("hash: stable across decodes and 64 hex digits") {
    std::string h = hash_of(kBase);
    CHECK(h.size() == 64);
    CHECK(h == hash_of(kBase));
    // Key order in the file does not matter.
    CHECK(h == hash_of(replace(kBase, "    image: nginx\n    environment: {A: \"1\"}\n",
                               "    environment: {A: \"1\"}\n    image: nginx\n")));
}

TEST_CASE("hash: ignores build, scale/replicas, depends_on, profiles, pull_policy") {
    std::string h = hash_of(kBase);
    CHECK(h == hash_of(replace(kBase, "build: ./web", "build: ./other")));
    CHECK(h == hash_of(replace(kBase, "scale: 1", "scale: 3").replace(
                   std::string(kBase).find("replicas: 1"), 11, "replicas: 3")));
    CHECK(h == hash_of(replace(kBase, "depends_on: [db]", "depends_on: []")));
    CHECK(h == hash_of(replace(kBase, "profiles: [web]", "profiles: [other]")));
    CHECK(h == hash_of(replace(kBase, "pull_policy: missing", "pull_policy: always")));
}

TEST_CASE("hash: sensitive to runtime-relevant changes") {
    std::string h = hash_of(kBase);
    CHECK(h != hash_of(replace(kBase, "image: nginx", "image: nginx:2")));
    CHECK(h != hash_of(replace(kBase, "A: \"1\"", "A: \"2\"")));
    CHECK(h != hash_of(replace(kBase, "8080:80", "8081:80")));
    CHECK(h != hash_of(replace(kBase, "memory: 64m", "memory: 65m")));
    CHECK(h != hash_of(replace(kBase, "    scale: 1\n", "    scale: 1\n    command: [sh]\n")));
}
