// The one platform selector that pull, import and build share.
#include <catch2/catch.hpp>

#include <sys/utsname.h>

#include "image/platform.hpp"
#include "runtime/sys/error.hpp"

using namespace stk::image;

namespace {

Descriptor entry(const std::string& arch, const std::string& variant, char fill, const std::string& os = "linux") {
    Descriptor d;
    d.media_type = media_type::kOciManifest;
    d.digest = Digest::from_hex(std::string(64, fill));
    d.size = 100;
    d.platform = Platform{arch, os, variant};
    return d;
}

char chosen(const std::vector<Descriptor>& index, const std::string& want) {
    auto d = select_platform(index, parse_platform(want));
    return d ? d->digest.hex()[0] : '-';
}

}  // namespace

TEST_CASE("platform: an index resolves to linux/amd64, attestation entries are skipped") {
    std::vector<Descriptor> index{entry("unknown", "", 'a', "unknown"), entry("arm64", "v8", 'b'),
                                  entry("amd64", "", 'c'), entry("arm", "v7", 'd')};
    CHECK(chosen(index, "linux/amd64") == 'c');
    CHECK(chosen(index, "linux/arm64") == 'b');
    CHECK(chosen(index, "linux/s390x") == '-');
    CHECK(chosen(index, "windows/amd64") == '-');
    CHECK(chosen({entry("amd64", "v1", 'e')}, "linux/amd64") == 'e');
    CHECK(chosen({entry("amd64", "v1", 'e'), entry("amd64", "", 'f')}, "linux/amd64") == 'f');
    CHECK(chosen({entry("x86_64", "", 'e')}, "linux/amd64") == 'e');  // a sloppy index still matches
    CHECK(chosen({}, "linux/amd64") == '-');
}

TEST_CASE("platform: variant rules (arm64 without variant, arm v7 runs v6, exact first)") {
    std::vector<Descriptor> index{entry("arm64", "", 'a'), entry("arm", "v6", 'b'), entry("arm", "v5", 'e')};
    CHECK(chosen(index, "linux/arm64/v8") == 'a');
    CHECK(chosen(index, "linux/arm/v7") == 'b');
    CHECK(chosen(index, "linux/arm/v5") == 'e');
    index.push_back(entry("arm", "v7", 'f'));
    CHECK(chosen(index, "linux/arm/v7") == 'f');
    CHECK(chosen({entry("arm", "v7", 'f')}, "linux/arm/v6") == '-');
    CHECK(chosen({entry("amd64", "", 'a'), entry("amd64", "", 'b')}, "linux/amd64") == 'a');  // earlier on a tie
}

TEST_CASE("platform: this machine's, from uname") {
    struct utsname u {};
    REQUIRE(::uname(&u) == 0);
    Platform host = host_platform();
    CHECK(host.os == "linux");
    if (std::string(u.machine) == "x86_64") {
        CHECK(host == Platform{"amd64", "linux", ""});
        CHECK(platform_string(host) == "linux/amd64");
    } else {
        CHECK_FALSE(host.architecture.empty());
    }
    // The host's own entry is always chosen from an index listing it among others.
    std::vector<Descriptor> index{entry("s390x", "", 'a'), entry(host.architecture, host.variant, 'b')};
    CHECK(select_platform(index, host)->digest.hex()[0] == 'b');
}

TEST_CASE("platform: text os/arch[/variant], names normalised, bad text refused") {
    CHECK(parse_platform("linux/x86_64") == Platform{"amd64", "linux", ""});
    CHECK(parse_platform("linux/aarch64") == Platform{"arm64", "linux", "v8"});
    CHECK(parse_platform("linux/armv7l").architecture == "arm");
    CHECK(parse_platform("linux/i686").architecture == "386");
    CHECK(platform_string(parse_platform("linux/arm")) == "linux/arm/v7");
    CHECK(platform_string(parse_platform("linux/arm/v6")) == "linux/arm/v6");
    for (const char* bad : {"linux", "", "/amd64", "linux/", "linux/arm/", "linux/arm/v7/x"}) {
        INFO(bad);
        CHECK_THROWS_WITH(parse_platform(bad), Catch::Contains("os/arch[/variant]"));
    }
}
