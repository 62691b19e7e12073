// Edge cases of docker's reference grammar (distribution/reference), each checked against what
// `docker pull` accepts or refuses.
#include <catch2/catch.hpp>

#include "image/reference.hpp"
#include "runtime/sys/error.hpp"

using namespace stk;
using namespace stk::image;

namespace {

const std::string kHex(64, 'f');

struct Parsed {
    std::string domain, path, tag, digest;
};

Parsed parsed(const std::string& text) {
    Reference r = Reference::parse(text);
    return {r.domain, r.path, r.tag, r.digest.empty() ? "" : r.digest.str()};
}

}  // namespace

TEST_CASE("reference grammar: hosts, ports, IPv6 and library/ expansion") {
    struct Case {
        std::string in, domain, path, tag;
    } cases[] = {
        {"test_com", "docker.io", "library/test_com", "latest"},
        {"test.com:tag", "docker.io", "library/test.com", "tag"},
        {"test.com:5000", "docker.io", "library/test.com", "5000"},  // no '/': a tag, not a port
        {"test.com/repo:tag", "test.com", "repo", "tag"},
        {"test:5000/repo", "test:5000", "repo", "latest"},
        {"localhost/repo", "localhost", "repo", "latest"},
        {"localhost:5000/a/b/c:v1.2", "localhost:5000", "a/b/c", "v1.2"},
        {"foo_bar.com:8080", "docker.io", "library/foo_bar.com", "8080"},
        {"foo/foo_bar.com:8080", "docker.io", "foo/foo_bar.com", "8080"},
        {"192.168.1.1", "docker.io", "library/192.168.1.1", "latest"},
        {"192.168.1.1:5000/repo", "192.168.1.1:5000", "repo", "latest"},
        {"[2001:db8::1]/repo", "[2001:db8::1]", "repo", "latest"},
        {"[2001:db8::1]:5000/repo:tag", "[2001:db8::1]:5000", "repo", "tag"},
        {"[::1]:5000/repo", "[::1]:5000", "repo", "latest"},
        {"sub-dom1.foo.com/bar/baz/quux:some-long-tag", "sub-dom1.foo.com", "bar/baz/quux", "some-long-tag"},
        {"b.gcr.io/test.example.com/my-app:test.example.com", "b.gcr.io", "test.example.com/my-app",
         "test.example.com"},
        {"xn--n3h.com/myimage:xn--n3h.com", "xn--n3h.com", "myimage", "xn--n3h.com"},
        {"docker.io/debian", "docker.io", "library/debian", "latest"},
        {"index.docker.io/docker/docker", "docker.io", "docker/docker", "latest"},
        {"lowercase:Uppercase", "docker.io", "library/lowercase", "Uppercase"},  // tags may have upper case
        {"Docker.io/app", "Docker.io", "app", "latest"},  // an upper-case first component is a host
        {"a__b/c-d--e.f_g", "docker.io", "a__b/c-d--e.f_g", "latest"},
        {"docker.io/" + kHex, "docker.io", "library/" + kHex, "latest"},
    };
    for (const auto& c : cases) {
        INFO(c.in);
        Parsed p = parsed(c.in);
        CHECK(p.domain == c.domain);
        CHECK(p.path == c.path);
        CHECK(p.tag == c.tag);
    }
}

TEST_CASE("reference grammar: digests, with and without a tag") {
    const std::string d = "sha256:" + kHex;
    Parsed p = parsed("test:5000/repo@" + d);
    CHECK(p.domain == "test:5000");
    CHECK(p.tag.empty());
    CHECK(p.digest == d);
    p = parsed("test:5000/repo:tag@" + d);
    CHECK(p.tag == "tag");
    CHECK(p.digest == d);
    CHECK_THROWS_WITH(Reference::parse("repo@sha256:" + std::string(63, 'f')), Catch::Contains("64"));
    CHECK_THROWS_WITH(Reference::parse("validname@invaliddigest:" + kHex), Catch::Contains("invaliddigest"));
    CHECK_THROWS_WITH(Reference::parse("@" + d), Catch::Contains("no repository name"));
    CHECK_THROWS_WITH(Reference::parse("repo@"), Catch::Contains("repo@"));
}

TEST_CASE("reference grammar: upper case in a repository name is refused, naming it") {
    CHECK_THROWS_WITH(Reference::parse("Uppercase:tag"),
                      Catch::Contains("repository name \"Uppercase\" must be lowercase"));
    CHECK_THROWS_WITH(Reference::parse("test:5000/Uppercase/lowercase:tag"),
                      Catch::Contains("repository name \"Uppercase/lowercase\" must be lowercase"));
    CHECK_THROWS_WITH(Reference::parse("docker/Docker"),
                      Catch::Contains("repository name \"docker/Docker\" must be lowercase"));
    CHECK_THROWS_WITH(Reference::parse("localhost/App@sha256:" + kHex), Catch::Contains("must be lowercase"));
    CHECK_THROWS_WITH(Reference::parse("Docker.io/App"), Catch::Contains("\"App\" must be lowercase"));
}

TEST_CASE("reference grammar: tags of 128 characters, names of 255") {
    const std::string tag128 = "a" + std::string(127, 'b');
    CHECK(Reference::parse("foo:" + tag128).tag == tag128);
    CHECK_THROWS_WITH(Reference::parse("foo:" + tag128 + "c"), Catch::Contains("at most 128"));
    CHECK_THROWS_WITH(Reference::parse("foo:.dot"), Catch::Contains("tag \".dot\""));
    CHECK_THROWS_WITH(Reference::parse("foo:-dash"), Catch::Contains("tag \"-dash\""));
    CHECK_THROWS_WITH(Reference::parse("foo:"), Catch::Contains("tag \"\""));
    // localhost/ + 245 = 255 characters: the longest name docker accepts.
    std::string path245;
    while (path245.size() + 2 <= 245) path245 += "a/";
    path245 += std::string(245 - path245.size(), 'a');
    REQUIRE(path245.size() == 245);
    CHECK(Reference::parse("localhost/" + path245 + ":tag-puts-this-over-max").path == path245);
    CHECK_THROWS_WITH(Reference::parse("localhost/" + path245 + "a"), Catch::Contains("255"));
}

TEST_CASE("reference grammar: malformed names are refused with the reason") {
    struct Case {
        std::string in, why;
    } cases[] = {
        {kHex, "64-character hexadecimal"},
        {":justtag", "no repository name"},
        {"aa/asdf$$^/aa", "component \"asdf$$^\""},
        {"-docker", "component \"-docker\""},
        {"-docker.com/docker/docker", "registry \"-docker.com\""},
        {"docker-.com/docker/docker", "registry \"docker-.com\""},
        {"docker///docker", "component \"\""},
        {"docker.com/docker/docker-", "component \"docker-\""},
        {"docker.com:8080/", "no repository name"},
        {"docker.com/docker/", "component \"\""},
        {"https://github.com/docker/docker", "registry \"https:\""},
        {"[2001:db8::1]", "IPv6"},
        {"[2001:db8::1]:5000", "IPv6"},
        {"[fe80::1%eth0]:5000/repo", "registry \"[fe80::1%eth0]:5000\""},
        {"a b", "component \"a b\""},
    };
    for (const auto& c : cases) {
        INFO(c.in);
        CHECK_THROWS_WITH(Reference::parse(c.in), Catch::Contains(c.why) && Catch::Contains("image reference"));
    }
}
