#include <catch2/catch.hpp>

#include "orchestrator/load/discovery.hpp"
#include "resolve_fixture.hpp"

using namespace stk::load;
using namespace stk::load::testing;

TEST_CASE("resolve: .env of the project dir, shell wins, --env-file replaces .env") {
    TempDir dir;
    dir.write("proj/.env", "IMG=from-dotenv\nTAG=dot\nONLY_DOT=1\n");
    dir.write("proj/compose.yaml",
              "services:\n  web:\n    image: $IMG:$TAG\n    labels: ['o=${ONLY_DOT:-none}']\n");
    dir.write("a.env", "IMG=from-a\nTAG=a\n");
    dir.write("b.env", "TAG=b\n");
    auto opts = dir.options({"proj/compose.yaml"});
    opts.shell_env = {{"TAG", "shell"}};
    Diagnostics diags;
    auto t = resolve_tree(opts, diags);
    CHECK(scalar_at(t.root, {"services", "web", "image"}) == "from-dotenv:shell");
    CHECK(t.environment.at("ONLY_DOT") == "1");
    CHECK(std::find(t.watched.begin(), t.watched.end(), dir.path() / "proj/.env") !=
          t.watched.end());

    opts.shell_env = {};
    opts.env_files = {"a.env", "b.env"};
    t = resolve_tree(opts, diags);
    CHECK(scalar_at(t.root, {"services", "web", "image"}) == "from-a:b");
    CHECK(t.root.find("services")->find("web")->find("labels")->items[0].scalar == "o=none");
}

TEST_CASE("resolve: --project-directory sets where .env is read") {
    TempDir dir;
    dir.write("elsewhere/.env", "IMG=pd\n");
    dir.write("files/compose.yaml", "services:\n  web:\n    image: ${IMG:-none}\n");
    auto opts = dir.options({"files/compose.yaml"});
    opts.project_directory = "elsewhere";
    Diagnostics diags;
    auto t = resolve_tree(opts, diags);
    CHECK(t.project_dir == dir.path() / "elsewhere");
    CHECK(t.project_name == "elsewhere");
    CHECK(scalar_at(t.root, {"services", "web", "image"}) == "pd");

    // Without -f, discovery starts in the project directory.
    dir.write("elsewhere/compose.yaml", "services:\n  found: {image: $IMG}\n");
    opts.files.clear();
    t = resolve_tree(opts, diags);
    CHECK(t.files == std::vector<std::filesystem::path>{dir.path() / "elsewhere/compose.yaml"});
    CHECK(scalar_at(t.root, {"services", "found", "image"}) == "pd");
}

TEST_CASE("resolve: version is removed with a warning, unset variables warn once") {
    TempDir dir;
    dir.write("compose.yaml",
              "version: '3.8'\nservices:\n  web:\n    image: $NOPE\n    command: [$NOPE]\n");
    Diagnostics diags;
    auto t = resolve_tree(dir.options(), diags);
    CHECK(t.root.find("version") == nullptr);
    int version_warnings = 0, unset_warnings = 0;
    for (const auto& w : diags.warnings()) {
        if (w.message == "the attribute `version` is obsolete, it will be ignored")
            ++version_warnings;
        if (w.message.find("\"NOPE\" variable is not set") != std::string::npos)
            ++unset_warnings;
    }
    CHECK(version_warnings == 1);
    CHECK(unset_warnings == 1);
}

TEST_CASE("resolve: --no-interpolate keeps the text") {
    TempDir dir;
    dir.write("compose.yaml", "services:\n  web:\n    image: ${IMG:?required}\n");
    auto opts = dir.options();
    opts.interpolate = false;
    Diagnostics diags;
    auto t = resolve_tree(opts, diags);
    CHECK(scalar_at(t.root, {"services", "web", "image"}) == "${IMG:?required}");
    opts.interpolate = true;
    CHECK_THAT(load_error([&] { resolve_tree(opts, diags); }),
               Catch::Contains("compose.yaml:3:12") &&
                   Catch::Contains("required variable IMG is missing a value: required"));
}

TEST_CASE("resolve: an unreadable -f file is an error naming it") {
    TempDir dir;
    Diagnostics diags;
    CHECK_THAT(load_error([&] { resolve_tree(dir.options({"missing.yaml"}), diags); }),
               Catch::Contains("missing.yaml"));
}

TEST_CASE("resolve: every awesome-compose example resolves with its .env") {
    namespace fs = std::filesystem;
    fs::path root = fs::path(STACK_SHARED_DIR) / "conformance/compose/awesome-compose";
    REQUIRE(fs::is_directory(root));
    int loaded = 0;
    for (const auto& e : fs::directory_iterator(root)) {
        if (!e.is_directory()) continue;
        Diagnostics probe;
        auto files = find_stack_files(e.path(), probe);
        if (files.empty() || files[0].parent_path() != e.path().lexically_normal()) continue;
        LoadOptions opts;
        opts.working_dir = e.path();
        opts.shell_env_from_process = false;
        opts.profiles = {"*"};
        Diagnostics diags;
        INFO(e.path().string());
        CHECK_NOTHROW(resolve_tree(opts, diags));
        ++loaded;
    }
    CHECK(loaded >= 30);
}
