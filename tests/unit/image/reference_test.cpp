#include <catch2/catch.hpp>

#include "image/digest.hpp"
#include "image/platform.hpp"
#include "image/reference.hpp"
#include "image/store/manifest.hpp"
#include "image/store/oci_config.hpp"
#include "image/unpack/entry_path.hpp"
#include "runtime/sys/error.hpp"

using namespace stk;
using namespace stk::image;

TEST_CASE("references are normalised as docker does") {
    const std::string d = "sha256:" + std::string(64, 'a');
    struct Case {
        std::string in, full, familiar;
    } cases[] = {
        {"busybox", "docker.io/library/busybox:latest", "busybox:latest"},
        {"busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36"},
        {"user/app", "docker.io/user/app:latest", "user/app:latest"},
        {"docker.io/library/busybox", "docker.io/library/busybox:latest", "busybox:latest"},
        {"index.docker.io/library/busybox:1", "docker.io/library/busybox:1", "busybox:1"},
        {"localhost/app", "localhost/app:latest", "localhost/app:latest"},
        {"localhost:5000/a/b:tag", "localhost:5000/a/b:tag", "localhost:5000/a/b:tag"},
        {"registry.example.com/x", "registry.example.com/x:latest", "registry.example.com/x:latest"},
        {"busybox@" + d, "docker.io/library/busybox@" + d, "busybox@" + d},
        {"busybox:1@" + d, "docker.io/library/busybox:1@" + d, "busybox:1@" + d},
        {"127.0.0.1:5000/app", "127.0.0.1:5000/app:latest", "127.0.0.1:5000/app:latest"},
    };
    for (const auto& c : cases) {
        INFO(c.in);
        Reference r = Reference::parse(c.in);
        CHECK(r.to_string() == c.full);
        CHECK(r.familiar() == c.familiar);
        CHECK(Reference::parse(r.to_string()) == r);
    }
    CHECK(Reference::parse("busybox@" + d).tag.empty());
    CHECK(Reference::parse("localhost:5000/a:1").domain == "localhost:5000");
    CHECK(Reference::parse("a/b/c").path == "a/b/c");
}

TEST_CASE("bad references are refused with the reason") {
    CHECK_THROWS_WITH(Reference::parse(""), Catch::Contains("empty"));
    CHECK_THROWS_WITH(Reference::parse("BusyBox"), Catch::Contains("lowercase"));
    CHECK_THROWS_WITH(Reference::parse("busybox:bad tag"), Catch::Contains("tag"));
    CHECK_THROWS_WITH(Reference::parse("busybox@sha256:abc"), Catch::Contains("64"));
    CHECK_THROWS_WITH(Reference::parse("busybox@md5:" + std::string(32, 'a')), Catch::Contains("md5"));
    CHECK_THROWS_WITH(Reference::parse("a//b"), Catch::Contains("component"));
}

TEST_CASE("digests: parsing, hashing a string and a file") {
    CHECK(Digest::of("").str() == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK_FALSE(Digest::valid("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"));
    CHECK_THROWS_WITH(Digest::parse("sha512:00"), Catch::Contains("only sha256"));
    Sha256 h;
    h.update("ab");
    h.update("c");
    CHECK(h.finish() == Digest::of("abc"));
    CHECK(Digest::of_file("/dev/null") == Digest::of(""));
}

TEST_CASE("image config JSON round-trips, bad field types are named") {
    OciImageConfig c;
    c.created = "2024-01-01T00:00:00Z";
    c.entrypoint = std::vector<std::string>{"/init"};
    c.cmd = std::vector<std::string>{};
    c.env = {"A=1"};
    c.exposed_ports = {"53/udp", "80/tcp"};
    c.volumes = {"/data"};
    c.labels = {{"k", "v"}};
    c.stop_signal = "SIGINT";
    c.healthcheck = ImageHealthcheck{{"CMD-SHELL", "true"}, std::chrono::seconds(2), {}, {}, {}, 5};
    c.diff_ids = {Digest::of("x").str()};
    c.history = {{"2024-01-01T00:00:00Z", "RUN x", "", "", true}};
    CHECK(parse_image_config(to_json(c)) == c);
    CHECK_THROWS_WITH(parse_image_config(R"({"config":{"Env":"A=1"}})"), Catch::Contains("config.Env"));
    CHECK_THROWS_WITH(parse_image_config(R"({"rootfs":{"diff_ids":["sha256:zz"]}})"), Catch::Contains("sha256:zz"));
    CHECK_THROWS_WITH(parse_image_config("[1]"), Catch::Contains("JSON object"));
}

TEST_CASE("manifests and indexes: parsing errors name the field, platforms are chosen") {
    Digest d = Digest::of("x");
    std::string m = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"a","digest":")" +
                    d.str() + R"(","size":1},"layers":[{"mediaType":"b","digest":"sha256:nope","size":1}]})";
    CHECK_THROWS_WITH(parse_manifest(m), Catch::Contains("manifest.layers[0]"));
    CHECK_THROWS_WITH(parse_manifest(R"({"schemaVersion":1})"), Catch::Contains("schemaVersion"));
    ImageIndex x;
    x.manifests.push_back({media_type::kOciManifest, d, 1, {}, Platform{"arm64", "linux", ""}});
    x.manifests.push_back({media_type::kOciManifest, Digest::of("y"), 1, {}, Platform{"amd64", "linux", ""}});
    ImageIndex back = parse_index(to_json(x));
    REQUIRE(back.manifests.size() == 2);
    CHECK(select_platform(back.manifests, {"arm64", "linux", "v8"})->digest == d);
    CHECK(select_platform(back.manifests, {"amd64", "linux", ""})->digest == Digest::of("y"));
    CHECK_FALSE(select_platform(back.manifests, {"s390x", "linux", ""}));
    CHECK(is_index_media_type(sniff_media_type(to_json(x))));
}

TEST_CASE("tar entry paths are cleaned, escapes refused") {
    CHECK(clean_entry_path("./a//b/./c/") == "a/b/c");
    CHECK(clean_entry_path("./").empty());
    CHECK_THROWS_WITH(clean_entry_path("a/../../b"), Catch::Contains("refused"));
    CHECK_THROWS_WITH(clean_entry_path("/etc/passwd"), Catch::Contains("absolute"));
    CHECK(split_parent("a/b/c") == std::pair<std::string, std::string>{"a/b", "c"});
}
