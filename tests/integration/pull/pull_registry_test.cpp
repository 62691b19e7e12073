// `stack pull` against a real registry on loopback (root): plain HTTP, TLS with basic auth,
// a multi-arch index, wrong credentials, a corrupted blob, concurrent pulls.
#include <catch2/catch.hpp>

#include <atomic>
#include <future>

#include "image/registry/puller.hpp"
#include "tests/integration/pull/pull_support.hpp"

using namespace pulltest;
using stk::image::Digest;
using stk::image::Reference;

TEST_CASE("pull over plain HTTP stores the image and records the tag's digest") {
    Registry reg;
    stk::test::BusyboxImage bb;
    std::string image = push_busybox(reg, bb, "stk/bb:1");
    e2e::Project p(compose_with({{"web", image}}));
    use_docker_config(p.dir, reg.host(), "", "");
    auto r = p.run({"--progress", "plain", "pull"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(contains(r.err, "digest " + bb.manifest_digest().str()));
    auto record = store_of(p).find(Reference::parse(image));
    REQUIRE(record);
    CHECK(record->manifest_digest == bb.manifest_digest());
    CHECK(record->config_digest == bb.config_digest());
    REQUIRE(record->layer_dirs.size() == 2);
    CHECK(fs::exists(record->layer_dirs[0] / "bin/busybox"));
    CHECK(fs::exists(record->layer_dirs[1] / "app/layer2.txt"));
    // The digest reference is recorded too, so the same image is found by digest.
    auto by_digest = store_of(p).find(Reference::parse(reg.host() + "/stk/bb@" + bb.manifest_digest().str()));
    REQUIRE(by_digest);
    // A second pull finds every layer in the store.
    auto again = p.run({"--progress", "plain", "pull"});
    CHECK(again.code == 0);
    CHECK(contains(again.err, "Already exists"));
    CHECK_FALSE(contains(again.err, "Downloading"));
}

TEST_CASE("pull over TLS with basic auth: credentials from the docker config, CA from STACK_REGISTRY_CA") {
    Registry reg({true, "stkuser", "s3cret"});
    stk::test::BusyboxImage bb;
    std::string image = push_busybox(reg, bb, "stk/secure:2");
    e2e::Project p(compose_with({{"api", image}}));
    ::setenv("STACK_REGISTRY_CA", reg.ca().c_str(), 1);

    SECTION("right credentials") {
        use_docker_config(p.dir, reg.host(), "stkuser", "s3cret");
        auto r = p.run({"pull", "-q"});
        INFO(r.err);
        REQUIRE(r.code == 0);
        CHECK(r.err.empty());
        auto record = store_of(p).find(Reference::parse(image));
        REQUIRE(record);
        CHECK(record->manifest_digest == bb.manifest_digest());
    }
    SECTION("wrong credentials: one clear line naming service, image and registry") {
        use_docker_config(p.dir, reg.host(), "stkuser", "wrong");
        auto r = p.run({"pull", "-q"});
        CHECK(r.code == 1);
        INFO(r.err);
        CHECK(contains(r.err, "service \"api\""));
        CHECK(contains(r.err, reg.host() + "/stk/secure:2"));
        CHECK(contains(r.err, "registry " + reg.host()));
        CHECK(contains(r.err, "unauthorized"));
        CHECK(contains(r.err, "refused the credentials"));
        CHECK_FALSE(store_of(p).find(Reference::parse(image)));
    }
    SECTION("no credentials") {
        use_docker_config(p.dir, reg.host(), "", "");
        auto r = p.run({"pull", "-q"});
        CHECK(r.code == 1);
        INFO(r.err);
        CHECK(contains(r.err, "requires authentication"));
        CHECK(contains(r.err, "no credentials for " + reg.host()));
    }
    SECTION("credentials from a credsStore helper, a failing helper named in the error") {
        fs::create_directories(p.dir / "bin" / "docker");
        std::ofstream(p.dir / "bin" / "docker-credential-stktest")
            << "#!/bin/sh\nread -r server\n[ \"$server\" = " << reg.host()
            << " ] || { echo \"no entry for $server\"; exit 4; }\n"
               "echo '{\"Username\":\"stkuser\",\"Secret\":\"s3cret\"}'\n";
        fs::permissions(p.dir / "bin" / "docker-credential-stktest", fs::perms(0755));
        std::ofstream(p.dir / "bin" / "docker" / "config.json") << R"({"credsStore": "stktest"})";
        ::setenv("DOCKER_CONFIG", (p.dir / "bin" / "docker").c_str(), 1);
        std::string old_path = std::getenv("PATH");
        ::setenv("PATH", ((p.dir / "bin").string() + ":" + old_path).c_str(), 1);
        auto r = p.run({"pull", "-q"});
        INFO(r.err);
        CHECK(r.code == 0);
        CHECK(store_of(p).find(Reference::parse(image)));
        std::ofstream(p.dir / "bin" / "docker" / "config.json") << R"({"credsStore": "absent"})";
        auto bad = p.run({"pull", "-q"});
        ::setenv("PATH", old_path.c_str(), 1);
        INFO(bad.err);
        CHECK(bad.code == 1);
        CHECK(contains(bad.err, "docker-credential-absent"));
        CHECK(contains(bad.err, "registry " + reg.host()));
    }
    SECTION("the CA from the system store (SSL_CERT_FILE), loaded at the certificate check") {
        ::unsetenv("STACK_REGISTRY_CA");
        ::setenv("SSL_CERT_FILE", reg.ca().c_str(), 1);
        use_docker_config(p.dir, reg.host(), "stkuser", "s3cret");
        auto r = p.run({"pull", "-q"});
        ::unsetenv("SSL_CERT_FILE");
        INFO(r.err);
        CHECK(r.code == 0);
        CHECK(store_of(p).find(Reference::parse(image)));
    }
    SECTION("without the CA the certificate is refused") {
        ::unsetenv("STACK_REGISTRY_CA");
        use_docker_config(p.dir, reg.host(), "stkuser", "s3cret");
        auto r = p.run({"pull", "-q"});
        CHECK(r.code == 1);
        INFO(r.err);
        CHECK(contains(r.err, "certificate verify failed"));
        CHECK(contains(r.err, "unreachable"));
    }
    ::unsetenv("STACK_REGISTRY_CA");
}

TEST_CASE("a multi-arch index is resolved to this machine's platform (linux/amd64)") {
    Registry reg;
    stk::test::BusyboxImage amd64;
    stk::test::BusyboxImageOptions other;
    other.two_layers = false;
    other.cmd = {"echo", "arm64"};
    stk::test::BusyboxImage arm64(other);
    // One OCI layout holding both images and an index naming them by platform.
    fs::path layout = amd64.dir() / "multi";
    fs::create_directories(layout / "blobs/sha256");
    for (const auto* img : {&amd64, &arm64})
        for (const auto& e : fs::directory_iterator(img->layout() / "blobs/sha256"))
            fs::copy_file(e.path(), layout / "blobs/sha256" / e.path().filename(),
                          fs::copy_options::skip_existing);
    stk::image::ImageIndex index;
    auto entry = [](const stk::test::BusyboxImage& img, const char* arch, const char* variant) {
        stk::image::Descriptor d{stk::image::media_type::kOciManifest, img.manifest_digest(),
                                 static_cast<int64_t>(img.manifest_json().size()), {}, {}};
        d.platform = stk::image::Platform{arch, "linux", variant};
        return d;
    };
    index.manifests = {entry(arm64, "arm64", "v8"), entry(amd64, "amd64", "")};
    std::string index_json = stk::image::to_json(index);
    Digest index_digest = Digest::of(index_json);
    std::ofstream(layout / "blobs/sha256" / index_digest.hex()) << index_json;
    std::ofstream(layout / "oci-layout") << R"({"imageLayoutVersion":"1.0.0"})";
    stk::image::ImageIndex top;
    top.manifests = {{stk::image::media_type::kOciIndex, index_digest,
                      static_cast<int64_t>(index_json.size()),
                      {{"org.opencontainers.image.ref.name", "multi"}}, {}}};
    std::ofstream(layout / "index.json") << stk::image::to_json(top);
    reg.push("oci:" + layout.string() + ":multi", "stk/multi:1", /*all=*/true);

    std::string image = reg.host() + "/stk/multi:1";
    e2e::Project p(compose_with({{"app", image}}));
    use_docker_config(p.dir, reg.host(), "", "");
    auto r = p.run({"--progress", "plain", "pull"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    auto record = store_of(p).find(Reference::parse(image));
    REQUIRE(record);
    CHECK(record->manifest_digest == amd64.manifest_digest());
    // The index digest names the same image, so `image: name@<index digest>` is reproducible.
    auto pinned = store_of(p).find(Reference::parse(reg.host() + "/stk/multi@" + index_digest.str()));
    REQUIRE(pinned);
    CHECK(pinned->manifest_digest == amd64.manifest_digest());
    CHECK(contains(r.err, "digest " + index_digest.str()));

    // A platform the index lacks is a clear error listing what it has.
    e2e::Project q(compose_with({{"app", image}}, "    platform: linux/s390x\n"));
    auto bad = q.run({"pull", "-q"});
    CHECK(bad.code == 1);
    INFO(bad.err);
    CHECK(contains(bad.err, "no image for linux/s390x"));
    CHECK(contains(bad.err, "linux/arm64/v8, linux/amd64"));
}

TEST_CASE("a corrupted blob in the registry is refused and nothing of it is trusted") {
    Registry reg;
    stk::test::BusyboxImage bb;
    std::string image = push_busybox(reg, bb, "stk/corrupt:1");
    const Digest layer = bb.manifest().layers[0].digest;
    fs::path data = reg.blob_data(layer);
    REQUIRE(fs::exists(data));
    {   // same size, other bytes: only the digest can tell
        std::fstream f(data, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(fs::file_size(data) / 2));
        f.write("CORRUPTED!", 10);
    }
    e2e::Project p(compose_with({{"web", image}}));
    use_docker_config(p.dir, reg.host(), "", "");
    auto r = p.run({"pull", "-q"});
    CHECK(r.code == 1);
    INFO(r.err);
    CHECK(contains(r.err, "digest mismatch"));
    CHECK(contains(r.err, layer.str()));
    auto store = store_of(p);
    CHECK_FALSE(store.has_blob(layer));
    CHECK_FALSE(store.find(Reference::parse(image)));
    if (fs::exists(store.root() / "tmp")) CHECK(fs::is_empty(store.root() / "tmp"));
}

TEST_CASE("two concurrent pulls of one image download each layer once") {
    Registry reg;
    stk::test::BusyboxImage bb;
    std::string image = push_busybox(reg, bb, "stk/twice:1");
    e2e::Project p(compose_with({{"web", image}}));
    use_docker_config(p.dir, reg.host(), "", "");
    stk::image::registry::RegistrySettings settings =
        stk::image::registry::RegistrySettings::from_environment();
    // Count the layer downloads through a progress sink shared by both pulls.
    struct Counter : stk::image::registry::PullProgress {
        std::atomic<int> downloads{0};
        void image(const std::string&) override {}
        void layer(const std::string&, stk::image::registry::LayerState s, int64_t) override {
            if (s == stk::image::registry::LayerState::Downloading) ++downloads;
        }
        void bytes(const std::string&, int64_t) override {}
        void message(const std::string&) override {}
    } counter;
    auto pull = [&] {
        stk::image::registry::Puller puller(store_of(p), settings, counter);
        return puller.pull(Reference::parse(image));
    };
    auto a = std::async(std::launch::async, pull);
    auto b = std::async(std::launch::async, pull);
    auto ra = a.get();
    auto rb = b.get();
    CHECK(ra.manifest_digest == bb.manifest_digest());
    CHECK(rb.manifest_digest == bb.manifest_digest());
    CHECK(counter.downloads == 2);  // two layers, each once
}

TEST_CASE("stack pull --ignore-pull-failures pulls what it can, without it the failure is an error") {
    Registry reg;
    stk::test::BusyboxImage bb;
    push_busybox(reg, bb, "stk/ok:1");
    e2e::Project p(compose_with({{"good", reg.host() + "/stk/ok:1"},
                                 {"missing", reg.host() + "/stk/nothere:1"}}));
    use_docker_config(p.dir, reg.host(), "", "");
    auto r = p.run({"pull", "-q"});
    CHECK(r.code == 1);
    INFO(r.err);
    CHECK(contains(r.err, "service \"missing\""));
    CHECK(contains(r.err, "manifest unknown"));
    auto ignored = p.run({"pull", "-q", "--ignore-pull-failures"});
    CHECK(ignored.code == 0);
    CHECK(contains(ignored.err, "warning: service \"missing\""));
    CHECK(store_of(p).find(Reference::parse(reg.host() + "/stk/ok:1")));
}
