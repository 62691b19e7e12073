#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "orchestrator/engine/control_protocol.hpp"
#include "orchestrator/engine/control_server.hpp"
#include "runtime/sys/paths.hpp"

using namespace stk::engine;

TEST_CASE("UpOptions round-trip through JSON") {
    UpOptions o;
    o.services = {"web", "db"};
    o.force_recreate = true;
    o.no_deps = true;
    o.wait = true;
    o.wait_timeout = std::chrono::milliseconds(1500);
    o.timeout = std::chrono::milliseconds(3000);
    o.scale = {{"web", 3}};
    o.parallel = 2;
    UpOptions back = nlohmann::json(o).get<UpOptions>();
    CHECK(back.services == o.services);
    CHECK(back.force_recreate);
    CHECK(back.no_deps);
    CHECK_FALSE(back.no_recreate);
    CHECK(back.wait);
    CHECK(back.wait_timeout == o.wait_timeout);
    CHECK(back.timeout == o.timeout);
    CHECK(back.scale == o.scale);
    CHECK(back.parallel == 2);
    UpOptions empty = nlohmann::json::object().get<UpOptions>();
    CHECK_FALSE(empty.wait_timeout);
    CHECK(empty.services.empty());
}

TEST_CASE("load options travel with files, project and environment") {
    stk::load::LoadOptions o;
    o.files = {"/a/compose.yaml", "/a/override.yaml"};
    o.project_name = "demo";
    o.project_directory = "/a";
    o.profiles = {"debug"};
    o.working_dir = "/a";
    o.shell_env = {{"TAG", "1.2"}};
    auto back = load_options_from_json(load_options_to_json(o));
    CHECK(back.files == o.files);
    CHECK(back.project_name == o.project_name);
    CHECK(back.project_directory == o.project_directory);
    CHECK(back.profiles == o.profiles);
    CHECK(back.working_dir == o.working_dir);
    CHECK(back.shell_env == o.shell_env);
    CHECK_FALSE(back.shell_env_from_process);
}

TEST_CASE("replies have ok and error") {
    CHECK(ok_reply()["ok"] == true);
    auto r = ok_reply({{"lines", {"a"}}});
    CHECK(r["ok"] == true);
    CHECK(r["lines"][0] == "a");
    auto e = error_reply("boom");
    CHECK(e["ok"] == false);
    CHECK(e["error"] == "boom");
}

TEST_CASE("no supervisor: send_control_request returns nullopt") {
    static std::atomic<int> n{0};
    auto root = std::filesystem::temp_directory_path() /
                ("stk-ctl-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::create_directories(root / "proj");
    ::setenv("STACK_RUN_ROOT", root.c_str(), 1);
    CHECK(control_socket_path("proj") == root / "proj" / "control.sock");
    CHECK_FALSE(send_control_request("proj", {{"op", "ps"}}).has_value());
    std::filesystem::remove_all(root);
}

TEST_CASE("progress lines reach the client in order before the reply") {
    static std::atomic<int> n{0};
    auto root = std::filesystem::temp_directory_path() /
                ("stk-ctlp-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::create_directories(root / "proj");
    ::setenv("STACK_RUN_ROOT", root.c_str(), 1);
    boost::asio::io_context io;
    ControlServer server(io, control_socket_path("proj"),
                         [&io](const nlohmann::json& req, ControlServer::Reply reply,
                               ControlServer::Progress progress) {
                             progress("Container p-db-1  Stopping");
                             // Later, from the loop, as a real step would.
                             boost::asio::post(io, [reply, progress, op = req.value("op", "")] {
                                 progress("Container p-db-1  Stopped");
                                 reply(ok_reply({{"lines", {"done " + op}}}), {});
                                 progress("after the reply: dropped");
                             });
                         });
    auto work = boost::asio::make_work_guard(io);
    std::thread loop([&io] { io.run(); });
    std::vector<std::string> seen;
    auto reply = send_control_request("proj", {{"op", "stop_services"}}, std::chrono::seconds(5),
                                      [&](const std::string& line) { seen.push_back(line); });
    // Without a callback the progress lines are skipped.
    auto plain = send_control_request("proj", {{"op", "x"}}, std::chrono::seconds(5));
    work.reset();
    io.stop();
    loop.join();
    REQUIRE(reply);
    CHECK((*reply)["ok"] == true);
    CHECK((*reply)["lines"][0] == "done stop_services");
    CHECK(seen == std::vector<std::string>{"Container p-db-1  Stopping", "Container p-db-1  Stopped"});
    REQUIRE(plain);
    CHECK((*plain)["lines"][0] == "done x");
    std::filesystem::remove_all(root);
}
