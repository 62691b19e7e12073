// Resuming a cut blob download with a Range request, against a small registry on loopback
// (fixtures/cutting_registry.py) that cuts the first transfer of its layer after half the bytes.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "image/registry/puller.hpp"
#include "image/store/image_store.hpp"
#include "tests/support/temp_dir.hpp"

using namespace stk::image;
using namespace stk::image::registry;
namespace fs = std::filesystem;

namespace {

constexpr int kPayloadBytes = 3 << 20;

// The fixture server, started with `mode` ("range" or "ignore-range"); stopped by pid.
class CuttingRegistry {
public:
    CuttingRegistry(const std::string& mode, const fs::path& log) {
        int out[2];
        REQUIRE(::pipe(out) == 0);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::dup2(out[1], 1);
            ::close(out[0]);
            std::string script = std::string(STACK_SOURCE_DIR) + "/tests/integration/pull/fixtures/cutting_registry.py";
            std::string size = std::to_string(kPayloadBytes);
            ::execlp("python3", "python3", script.c_str(), mode.c_str(), size.c_str(), log.c_str(), nullptr);
            ::_exit(127);
        }
        ::close(out[1]);
        std::string line;
        char c;
        while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
        ::close(out[0]);
        std::istringstream(line) >> port_ >> layer_size_;
        REQUIRE(port_ > 0);
    }
    ~CuttingRegistry() {
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    std::string image() const { return "127.0.0.1:" + std::to_string(port_) + "/stk/resume:1"; }
    int64_t layer_size() const { return layer_size_; }

private:
    pid_t pid_ = -1;
    int port_ = 0;
    int64_t layer_size_ = 0;
};

struct Quiet : PullProgress {
    void image(const std::string&) override {}
    void layer(const std::string&, LayerState, int64_t) override {}
    void bytes(const std::string&, int64_t) override {}
    void message(const std::string&) override {}
};

struct World {
    stk::test::TempDir dir{"stk-resume"};
    fs::path log = dir / "requests.log";
    ImageStore store{dir / "images"};
    Quiet quiet;

    ImageRecord pull(const CuttingRegistry& reg, int attempts) {
        RegistrySettings settings;
        settings.certs_dir = dir / "no-certs";
        settings.docker_config = dir / "no-docker-config.json";
        PullOptions options;
        options.retry.attempts = attempts;
        options.retry.sleep = [](std::chrono::milliseconds) {};
        return Puller(store, settings, quiet).pull(Reference::parse(reg.image()), options);
    }
    std::vector<std::string> requests() const {
        std::vector<std::string> lines;
        std::ifstream in(log);
        for (std::string l; std::getline(in, l);) lines.push_back(l);
        return lines;
    }
    std::vector<fs::path> tmp_files() const {
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(store.root() / "tmp")) files.push_back(e.path());
        return files;
    }
};

// "bytes=N- 206" -> N
int64_t range_start(const std::string& line) {
    return std::stoll(line.substr(line.find('=') + 1));
}

void check_payload(const ImageRecord& r) {
    REQUIRE(r.layer_dirs.size() == 1);
    CHECK(fs::file_size(r.layer_dirs[0] / "data.bin") == static_cast<uintmax_t>(kPayloadBytes));
}

}  // namespace

TEST_CASE("a blob download cut in the middle resumes with a Range request and is verified whole") {
    World w;
    CuttingRegistry reg("range", w.log);
    ImageRecord r = w.pull(reg, 3);
    check_payload(r);
    auto req = w.requests();
    REQUIRE(req.size() == 2);
    CHECK(req[0] == "- 200");
    CHECK(req[1].rfind("bytes=", 0) == 0);
    CHECK(req[1].substr(req[1].find(' ')) == " 206");
    CHECK(range_start(req[1]) > 0);
    CHECK(range_start(req[1]) < reg.layer_size());
    CHECK(w.tmp_files().empty());
}

TEST_CASE("a registry that ignores Range sends the blob again, written from zero") {
    World w;
    CuttingRegistry reg("ignore-range", w.log);
    check_payload(w.pull(reg, 3));
    auto req = w.requests();
    REQUIRE(req.size() == 2);
    CHECK(req[0] == "- 200");
    CHECK(req[1].rfind("bytes=", 0) == 0);
    CHECK(req[1].substr(req[1].find(' ')) == " 200");
    CHECK(w.tmp_files().empty());
}

TEST_CASE("the partial blob of a failed pull is kept in the store's temp area and a later pull resumes it") {
    World w;
    CuttingRegistry reg("range", w.log);
    CHECK_THROWS_WITH(w.pull(reg, 1), Catch::Contains("registry unreachable"));
    auto kept = w.tmp_files();
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].filename().string().rfind("partial-", 0) == 0);
    auto kept_bytes = static_cast<int64_t>(fs::file_size(kept[0]));
    CHECK(kept_bytes > 0);
    check_payload(w.pull(reg, 1));
    auto req = w.requests();
    REQUIRE(req.size() == 2);
    CHECK(req[1] == "bytes=" + std::to_string(kept_bytes) + "- 206");
    CHECK(w.tmp_files().empty());
}

TEST_CASE("kept bytes that do not belong to the blob are dropped and the blob fetched afresh") {
    World w;
    CuttingRegistry reg("range", w.log);
    CHECK_THROWS(w.pull(reg, 1));  // the cut leaves a partial file
    auto kept = w.tmp_files();
    REQUIRE(kept.size() == 1);
    {
        std::fstream f(kept[0], std::ios::in | std::ios::out | std::ios::binary);
        f.write("GARBAGE!", 8);
    }
    check_payload(w.pull(reg, 1));
    auto req = w.requests();
    REQUIRE(req.size() == 3);
    CHECK(req[1].substr(req[1].find(' ')) == " 206");  // resumed, then refused by the digest
    CHECK(req[2] == "- 200");                          // one fresh download
    CHECK(w.tmp_files().empty());
}
