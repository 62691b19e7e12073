// Every real stack file of the conformance corpus loads, and `stack config`'s output fed back to
// the loader gives the same output (round trip), in YAML and in JSON.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "orchestrator/load/emit.hpp"
#include "orchestrator/load/loader.hpp"

namespace fs = std::filesystem;
using namespace stk::load;

namespace {

std::vector<fs::path> corpus_files() {
    std::vector<fs::path> out;
    fs::path root = fs::path(STACK_SHARED_DIR) / "conformance/compose/awesome-compose";
    for (const auto& dir : fs::directory_iterator(root)) {
        if (!dir.is_directory()) continue;
        for (const char* name : {"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"}) {
            if (fs::exists(dir.path() / name)) {
                out.push_back(dir.path() / name);
                break;
            }
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

LoadOptions options_for(const fs::path& file, const fs::path& project_dir) {
    LoadOptions o;
    o.files = {file.string()};
    o.project_directory = project_dir.string();
    o.working_dir = project_dir;
    o.shell_env = {{"PATH", "/usr/bin:/bin"}};
    o.shell_env_from_process = false;
    return o;
}

}  // namespace

TEST_CASE("the conformance corpus loads and round-trips through stack config") {
    auto files = corpus_files();
    REQUIRE(files.size() >= 35);
    fs::path tmp = fs::temp_directory_path() / ("stk-conformance-" + std::to_string(::getpid()));
    fs::create_directories(tmp);
    struct Cleanup {
        fs::path p;
        ~Cleanup() { fs::remove_all(p); }
    } cleanup{tmp};

    for (const auto& file : files) {
        INFO(file.string());
        fs::path dir = file.parent_path();
        LoadedProject first;
        try {
            first = load_project(options_for(file, dir));
        } catch (const LoadError& e) {
            FAIL(e.what());
        }
        CHECK_FALSE(first.project.services.empty());
        std::string yaml1 = to_yaml(first.project);
        std::string json1 = to_json(first.project).dump(2);

        fs::path again = tmp / (dir.filename().string() + ".yaml");
        std::ofstream(again) << yaml1;
        LoadedProject second;
        try {
            second = load_project(options_for(again, dir));
        } catch (const LoadError& e) {
            FAIL("reloading the output failed:\n" << e.what() << "\n--- output was:\n" << yaml1);
        }
        CHECK(to_yaml(second.project) == yaml1);
        CHECK(to_json(second.project).dump(2) == json1);
    }
}
