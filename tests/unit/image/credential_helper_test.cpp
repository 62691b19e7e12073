// Docker credential helpers (credsStore, credHelpers): a fake helper script in a private PATH
// directory answers as docker-credential-* programs do.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "image/registry/credential_helper.hpp"
#include "image/registry/credentials.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/file_util.hpp"
#include "tests/support/temp_dir.hpp"

using namespace stk::image::registry;
namespace fs = std::filesystem;

namespace {

// A helper `docker-credential-fake` that logs what it was asked, then answers per server name.
const char* kFakeHelper = R"(#!/bin/sh
[ "$1" = get ] || { echo "unexpected arguments: $*"; exit 2; }
read -r server
echo "$server" >> "$(dirname "$0")/asked"
case "$server" in
  127.0.0.1:5000) echo '{"ServerURL":"127.0.0.1:5000","Username":"helperuser","Secret":"helper:secret"}' ;;
  https://index.docker.io/v1/) echo '{"ServerURL":"hub","Username":"hubuser","Secret":"hubsecret"}' ;;
  missing.example) echo "credentials not found in native keychain"; exit 1 ;;
  broken.example) echo "the keyring is locked" >&2; exit 3 ;;
  garbage.example) echo "not json at all" ;;
  token.example) echo '{"Username":"<token>","Secret":"tok"}' ;;
esac
)";

// PATH (and DOCKER_CONFIG) pointing into a private directory for the test's life.
struct HelperWorld {
    stk::test::TempDir dir{"stk-credhelper"};
    std::string old_path = std::getenv("PATH") ? std::getenv("PATH") : "";
    HelperWorld() {
        fs::create_directories(dir / "bin");
        write_helper("fake", kFakeHelper);
        ::setenv("PATH", ((dir / "bin").string() + ":" + old_path).c_str(), 1);
    }
    ~HelperWorld() { ::setenv("PATH", old_path.c_str(), 1); }
    void write_helper(const std::string& name, const std::string& script) const {
        fs::path p = dir / "bin" / ("docker-credential-" + name);
        std::ofstream(p) << script;
        fs::permissions(p, fs::perms(0755));
    }
    fs::path config(const std::string& text) const {
        std::ofstream(dir / "config.json") << text;
        return dir / "config.json";
    }
    std::string asked() const { return stk::read_file(dir / "bin" / "asked"); }
};

}  // namespace

TEST_CASE("credential helper: credsStore answers for every registry, hub asked by its v1 URL") {
    HelperWorld w;
    auto file = w.config(R"({"auths": {"127.0.0.1:5000": {}}, "credsStore": "fake"})");
    auto c = find_credentials(file, "127.0.0.1:5000");
    REQUIRE(c);
    CHECK(c->username == "helperuser");
    CHECK(c->password == "helper:secret");
    auto hub = find_credentials(file, "registry-1.docker.io");
    REQUIRE(hub);
    CHECK(hub->username == "hubuser");
    CHECK(w.asked() == "127.0.0.1:5000\nhttps://index.docker.io/v1/\n");
}

TEST_CASE("credential helper: credHelpers wins over credsStore and auths for its registry only") {
    HelperWorld w;
    w.write_helper("other", "#!/bin/sh\necho '{\"Username\":\"other\",\"Secret\":\"o\"}'\n");
    auto file = w.config(R"({"credsStore": "other", "credHelpers": {"127.0.0.1:5000": "fake"},
        "auths": {"127.0.0.1:5000": {"username": "fileuser", "password": "p"}}})");
    CHECK(find_credentials(file, "127.0.0.1:5000")->username == "helperuser");
    CHECK(find_credentials(file, "registry.example")->username == "other");
}

TEST_CASE("credential helper: 'credentials not found' means none, the auths entry still counts") {
    HelperWorld w;
    auto file = w.config(R"({"credsStore": "fake"})");
    CHECK_FALSE(find_credentials(file, "missing.example"));
    file = w.config(R"({"credsStore": "fake", "auths": {"missing.example": {"username": "u", "password": "p"}}})");
    CHECK(find_credentials(file, "missing.example")->username == "u");
}

TEST_CASE("credential helper: a missing helper or a bad answer is an error naming helper and registry") {
    HelperWorld w;
    auto file = w.config(R"({"credHelpers": {"127.0.0.1:5000": "absent"}, "credsStore": "fake"})");
    CHECK_THROWS_WITH(find_credentials(file, "127.0.0.1:5000"),
                      Catch::Contains("docker-credential-absent") && Catch::Contains("registry 127.0.0.1:5000") &&
                          Catch::Contains("not in PATH") && Catch::Contains(file.string()));
    CHECK_THROWS_WITH(helper_credentials("fake", "broken.example"),
                      Catch::Contains("docker-credential-fake") && Catch::Contains("registry broken.example") &&
                          Catch::Contains("exited with 3") && Catch::Contains("the keyring is locked"));
    CHECK_THROWS_WITH(helper_credentials("fake", "garbage.example"),
                      Catch::Contains("registry garbage.example") && Catch::Contains("Username and Secret") &&
                          !Catch::Contains("not json at all"));
    CHECK_THROWS_WITH(helper_credentials("fake", "token.example"), Catch::Contains("identity token"));
    CHECK_THROWS_WITH(find_credentials(w.config(R"({"credsStore": 5})"), "h"), Catch::Contains("credsStore"));
    CHECK_THROWS_WITH(find_credentials(w.config(R"({"credHelpers": {"h": ""}})"), "h"),
                      Catch::Contains("credHelpers.\"h\""));
}

TEST_CASE("credential helper: server names") {
    CHECK(helper_server_name("docker.io") == "https://index.docker.io/v1/");
    CHECK(helper_server_name("localhost:5000") == "localhost:5000");
}
