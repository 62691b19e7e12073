#pragma once
// A real registry for the pull and build tests: Debian's `docker-registry` on 127.0.0.1:<free port> with
// its storage in a private temp dir, plain HTTP or TLS (a self-signed certificate made here
// with the openssl CLI) with htpasswd basic auth (bcrypt, `htpasswd -B`). Images are pushed to
// it with skopeo. The destructor stops only the registry process it started (by pid) and
// removes the dir, also when the test failed.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "image/digest.hpp"
#include "image/registry/credentials.hpp"
#include "tests/support/busybox_image.hpp"

namespace stk::test {

struct RegistryOptions {
    bool tls = false;
    std::string user;  // with a user: htpasswd basic auth
    std::string password;
};

// Runs a shell command; throws with its output when it fails.
inline std::string checked_shell(const std::string& cmd) {
    std::string full = cmd + " 2>&1";
    FILE* p = ::popen(full.c_str(), "r");
    if (!p) throw std::runtime_error("popen " + cmd);
    std::string out;
    char buf[4096];
    while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    int status = ::pclose(p);
    if (status != 0) throw std::runtime_error("command failed: " + cmd + "\n" + out);
    return out;
}

inline int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

inline bool accepts(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

class Registry {
public:
    explicit Registry(RegistryOptions o = {}) : opt_(std::move(o)) {
        std::string tmpl = (std::filesystem::temp_directory_path() / "stk-registry-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp");
        dir_ = tmpl;
        port_ = free_port();
        std::string config = "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n"
                             "storage:\n  filesystem:\n    rootdirectory: " + (dir_ / "data").string() +
                             "\n  delete:\n    enabled: true\n"
                             "http:\n  addr: 127.0.0.1:" + std::to_string(port_) + "\n";
        if (opt_.tls) {
            checked_shell("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
               " -addext subjectAltName=IP:127.0.0.1 -keyout " + (dir_ / "key.pem").string() +
               " -out " + ca().string());
            config += "  tls:\n    certificate: " + ca().string() + "\n    key: " +
                      (dir_ / "key.pem").string() + "\n";
        }
        if (!opt_.user.empty()) {
            checked_shell("htpasswd -Bbn " + opt_.user + " " + opt_.password + " > " +
               (dir_ / "htpasswd").string());
            config += "auth:\n  htpasswd:\n    realm: stk-test\n    path: " +
                      (dir_ / "htpasswd").string() + "\n";
        }
        std::ofstream(dir_ / "config.yml") << config;
        pid_ = ::fork();
        if (pid_ == 0) {
            std::string log = (dir_ / "registry.log").string();
            FILE* f = std::freopen(log.c_str(), "w", stdout);
            (void)f;
            ::dup2(1, 2);
            std::string cfg = (dir_ / "config.yml").string();
            ::execlp("docker-registry", "docker-registry", "serve", cfg.c_str(), nullptr);
            ::_exit(127);
        }
        for (int i = 0; i < 500 && !accepts(port_); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (!accepts(port_)) throw std::runtime_error("docker-registry did not start: " + log());
    }
    ~Registry() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

    std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
    int port() const { return port_; }
    std::filesystem::path dir() const { return dir_; }
    std::filesystem::path ca() const { return dir_ / "cert.pem"; }
    std::string log() const {
        std::ifstream in(dir_ / "registry.log");
        return std::string(std::istreambuf_iterator<char>(in), {});
    }

    // skopeo copy of `source` (e.g. "oci:/path:tag") to `repo_tag` ("name:tag") here.
    void push(const std::string& source, const std::string& repo_tag, bool all = false) const {
        std::string creds = opt_.user.empty() ? "" : " --dest-creds " + opt_.user + ":" + opt_.password;
        checked_shell("skopeo copy --quiet --dest-tls-verify=false" + std::string(all ? " --all" : "") + creds +
           " " + source + " docker://" + host() + "/" + repo_tag);
    }

    // Where the registry keeps a blob's bytes.
    std::filesystem::path blob_data(const image::Digest& d) const {
        return dir_ / "data/docker/registry/v2/blobs/sha256" / d.hex().substr(0, 2) / d.hex() / "data";
    }

private:
    RegistryOptions opt_;
    std::filesystem::path dir_;
    int port_ = 0;
    pid_t pid_ = -1;
};

// Pushes the busybox image to `reg` as `repo_tag` ("stk/bb:1"); returns its full name.
inline std::string push_busybox(const Registry& reg, const BusyboxImage& bb, const std::string& repo_tag) {
    reg.push("oci:" + bb.layout().string() + ":latest", repo_tag);
    return reg.host() + "/" + repo_tag;
}

// DOCKER_CONFIG pointing at a config.json with `auths.<host>` = user:password (no entry when
// user is empty), inside `dir`.
inline void use_docker_config(const std::filesystem::path& dir, const std::string& host,
                              const std::string& user, const std::string& password) {
    std::filesystem::create_directories(dir / "docker");
    std::string auths = user.empty() ? "{}"
                                     : "{\"" + host + "\": {\"auth\": \"" +
                                           image::registry::base64_encode(user + ":" + password) +
                                           "\"}}";
    std::ofstream(dir / "docker" / "config.json") << "{\"auths\": " << auths << "}";
    ::setenv("DOCKER_CONFIG", (dir / "docker").c_str(), 1);
}

}  // namespace stk::test
