#pragma once
// A small real image made from Debian's /bin/busybox (busybox-static), in a temporary
// directory, as an OCI image layout directory, the same layout as a tar, and a classic
// `docker save` tar. Header-only so any test area linking stack_image can use it.
//   layer 1: busybox + applet links, /etc/passwd, /etc/group, /etc/doomed,
//            /data/opaque/old.txt, /data/keep.txt, /app/hello.txt
//   layer 2: /etc/.wh.doomed (deletes /etc/doomed), /data/opaque/.wh..wh..opq (hides old.txt)
//            with /data/opaque/new.txt, /app/layer2.txt and its hard link /app/hardlink
// Config: Cmd, Env (IMAGE_VAR=from-image), WorkingDir /app, a CMD-SHELL Healthcheck, a label.
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "image/digest.hpp"
#include "image/reference.hpp"
#include "image/store/manifest.hpp"
#include "image/store/oci_config.hpp"
#include "tests/support/tar_writer.hpp"

namespace stk::test {

struct BusyboxImageOptions {
    std::string reference = "stk-test/busybox:latest";  // familiar or full
    bool two_layers = true;
    TarCompression compression = TarCompression::Gzip;  // layer blobs of the OCI layout
    std::vector<std::string> cmd = {"sh", "-c", "echo image-cmd cwd=$PWD IMAGE_VAR=$IMAGE_VAR; exec sleep 3600"};
    std::vector<std::string> env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                    "IMAGE_VAR=from-image"};
    std::string working_dir = "/app";
    std::vector<std::string> healthcheck = {"CMD-SHELL", "test -f /app/hello.txt"};
    std::chrono::nanoseconds health_interval = std::chrono::seconds(1);
};

class BusyboxImage {
public:
    explicit BusyboxImage(BusyboxImageOptions options = {}) : opt_(std::move(options)) {
        namespace fs = std::filesystem;
        std::string tmpl = (fs::temp_directory_path() / "stk-image-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp " + tmpl);
        dir_ = tmpl;
        ref_ = image::Reference::parse(opt_.reference);
        fs::create_directories(layout() / "blobs/sha256");

        std::vector<std::vector<TarEntry>> layers{layer1()};
        if (opt_.two_layers) layers.push_back(layer2());
        image::OciImageConfig config;
        config.created = "2023-11-14T22:13:20Z";
        config.cmd = opt_.cmd;
        config.env = opt_.env;
        config.working_dir = opt_.working_dir;
        config.exposed_ports = {"8080/tcp"};
        config.labels = {{"org.example.origin", "busybox-static"}};
        if (!opt_.healthcheck.empty())
            config.healthcheck = image::ImageHealthcheck{opt_.healthcheck, opt_.health_interval,
                                                         std::chrono::seconds(5), {}, {}, 3};
        image::Manifest manifest;
        for (size_t i = 0; i < layers.size(); ++i) {
            fs::path plain = dir_ / ("layer" + std::to_string(i) + ".tar");
            write_tar(plain, layers[i]);
            std::string plain_bytes = slurp(plain);
            image::Digest diff_id = image::Digest::of(plain_bytes);
            config.diff_ids.push_back(diff_id.str());
            config.history.push_back({config.created, "layer " + std::to_string(i + 1), "", "", false});
            plain_layers_.push_back(plain);

            fs::path packed = dir_ / ("layer" + std::to_string(i) + ".blob");
            write_tar(packed, layers[i], opt_.compression);
            std::string blob = slurp(packed);
            image::Descriptor d;
            d.media_type = opt_.compression == TarCompression::Gzip   ? image::media_type::kOciLayerGzip
                           : opt_.compression == TarCompression::Zstd ? image::media_type::kOciLayerZstd
                                                                      : image::media_type::kOciLayer;
            d.digest = image::Digest::of(blob);
            d.size = static_cast<int64_t>(blob.size());
            put_blob(blob);
            manifest.layers.push_back(d);
            fs::remove(packed);
        }
        config_json_ = image::to_json(config);
        config_digest_ = image::Digest::of(config_json_);
        manifest.config = {image::media_type::kOciConfig, config_digest_,
                           static_cast<int64_t>(config_json_.size()), {}, {}};
        put_blob(config_json_);
        manifest_json_ = image::to_json(manifest);
        manifest_digest_ = image::Digest::of(manifest_json_);
        put_blob(manifest_json_);
        config_ = config;
        manifest_ = manifest;

        write(layout() / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
        image::ImageIndex index;
        image::Descriptor md{image::media_type::kOciManifest, manifest_digest_,
                             static_cast<int64_t>(manifest_json_.size()),
                             {{"org.opencontainers.image.ref.name", ref_.tag.empty() ? "latest" : ref_.tag},
                              {"io.containerd.image.name", ref_.to_string()}},
                             {}};
        index.manifests.push_back(md);
        write(layout() / "index.json", image::to_json(index));
        tar_directory(layout(), dir_ / "oci.tar");
        write_docker_archive();
    }
    ~BusyboxImage() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    BusyboxImage(const BusyboxImage&) = delete;
    BusyboxImage& operator=(const BusyboxImage&) = delete;

    std::filesystem::path dir() const { return dir_; }
    std::filesystem::path layout() const { return dir_ / "oci"; }             // OCI layout dir
    std::filesystem::path oci_archive() const { return dir_ / "oci.tar"; }    // the same as a tar
    std::filesystem::path docker_archive() const { return dir_ / "docker.tar"; }  // docker save
    const std::vector<std::filesystem::path>& plain_layers() const { return plain_layers_; }
    const image::Reference& reference() const { return ref_; }
    const image::Digest& manifest_digest() const { return manifest_digest_; }
    const image::Digest& config_digest() const { return config_digest_; }
    const std::string& manifest_json() const { return manifest_json_; }
    const std::string& config_json() const { return config_json_; }
    const image::Manifest& manifest() const { return manifest_; }
    const image::OciImageConfig& config() const { return config_; }
    std::filesystem::path blob(const image::Digest& d) const { return layout() / "blobs/sha256" / d.hex(); }

private:
    static void write(const std::filesystem::path& p, const std::string& content) {
        std::ofstream out(p, std::ios::binary);
        out << content;
        if (!out) throw std::runtime_error("write " + p.string());
    }
    void put_blob(const std::string& bytes) { write(blob(image::Digest::of(bytes)), bytes); }

    static std::vector<std::string> applets() {
        std::vector<std::string> out;
        FILE* p = ::popen("/bin/busybox --list", "r");
        if (!p) throw std::runtime_error("busybox --list");
        char line[256];
        while (std::fgets(line, sizeof line, p)) {
            std::string s(line);
            while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
            if (!s.empty() && s != "busybox") out.push_back(s);
        }
        ::pclose(p);
        return out;
    }

    static std::vector<TarEntry> layer1() {
        std::vector<TarEntry> e;
        for (const char* d : {"bin", "sbin", "usr", "usr/bin", "usr/sbin", "etc", "proc", "sys", "dev",
                              "root", "home", "var", "var/tmp", "mnt", "run", "app", "data", "data/opaque"})
            e.push_back(TarEntry::dir(d));
        e.push_back(TarEntry::dir("tmp", 01777));
        e.push_back(TarEntry::file("bin/busybox", slurp("/bin/busybox"), 0755));
        for (const auto& a : applets()) e.push_back(TarEntry::symlink("bin/" + a, "busybox"));
        e.push_back(TarEntry::file("etc/passwd",
                                   "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"));
        e.push_back(TarEntry::file("etc/group", "root:x:0:\nnogroup:x:65534:\n"));
        e.push_back(TarEntry::file("etc/doomed", "deleted by layer 2\n"));
        e.push_back(TarEntry::file("data/opaque/old.txt", "hidden by layer 2\n"));
        e.push_back(TarEntry::file("data/keep.txt", "kept\n"));
        e.push_back(TarEntry::file("app/hello.txt", "hello from layer 1\n"));
        return e;
    }

    static std::vector<TarEntry> layer2() {
        std::vector<TarEntry> e;
        e.push_back(TarEntry::dir("etc"));
        e.push_back(TarEntry::file("etc/.wh.doomed", ""));
        e.push_back(TarEntry::dir("data"));
        e.push_back(TarEntry::dir("data/opaque"));
        e.push_back(TarEntry::file("data/opaque/.wh..wh..opq", ""));
        e.push_back(TarEntry::file("data/opaque/new.txt", "from layer 2\n"));
        e.push_back(TarEntry::dir("app"));
        e.push_back(TarEntry::file("app/layer2.txt", "from layer 2\n"));
        e.push_back(TarEntry::hardlink("app/hardlink", "app/layer2.txt"));
        return e;
    }

    // docker save before v25: <config hex>.json, <layer id>/layer.tar, manifest.json, repositories.
    void write_docker_archive() {
        namespace fs = std::filesystem;
        fs::path d = dir_ / "docker";
        fs::create_directories(d);
        nlohmann::json layers = nlohmann::json::array();
        std::string last;
        for (size_t i = 0; i < plain_layers_.size(); ++i) {
            std::string id = image::Digest::parse(config_.diff_ids[i]).hex();
            fs::create_directories(d / id);
            fs::copy_file(plain_layers_[i], d / id / "layer.tar");
            write(d / id / "VERSION", "1.0");
            layers.push_back(id + "/layer.tar");
            last = id;
        }
        write(d / (config_digest_.hex() + ".json"), config_json_);
        std::string familiar_name = ref_.familiar_name();
        std::string tag = ref_.tag.empty() ? "latest" : ref_.tag;
        nlohmann::json manifest = nlohmann::json::array(
            {{{"Config", config_digest_.hex() + ".json"}, {"RepoTags", {familiar_name + ":" + tag}}, {"Layers", layers}}});
        write(d / "manifest.json", manifest.dump());
        write(d / "repositories", nlohmann::json{{familiar_name, {{tag, last}}}}.dump());
        tar_directory(d, docker_archive());
    }

    BusyboxImageOptions opt_;
    std::filesystem::path dir_;
    image::Reference ref_;
    std::vector<std::filesystem::path> plain_layers_;
    std::string config_json_, manifest_json_;
    image::Digest config_digest_, manifest_digest_;
    image::OciImageConfig config_;
    image::Manifest manifest_;
};

}  // namespace stk::test
