#include "image/registry/credential_helper.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/process.hpp>

#include <unistd.h>

#include <chrono>
#include <future>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "runtime/sys/error.hpp"

namespace stk::image::registry {
namespace {

namespace bp = boost::process;

constexpr auto kHelperTimeout = std::chrono::seconds(30);

struct HelperRun {
    int exit_code = 0;
    std::string out, err;
};

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

HelperRun run_get(const boost::filesystem::path& exe, const std::string& input, const std::string& what) {
    // The input goes into the pipe before the helper starts, so a helper exiting without reading
    // it cannot make our write fail.
    bp::pipe in;
    in.write(input.data(), static_cast<int>(input.size()));
    ::close(in.native_sink());
    in.assign_sink(-1);
    boost::asio::io_context ctx;
    std::future<std::string> out, err;
    bp::child child(exe, "get", bp::std_in < in, bp::std_out > out, bp::std_err > err, ctx);
    ctx.run_for(kHelperTimeout);
    if (!ctx.stopped()) {
        child.terminate();
        throw Error(fmt::format("{}: no answer within {} s", what, kHelperTimeout.count()));
    }
    child.wait();
    return {child.exit_code(), out.get(), err.get()};
}

}  // namespace

std::string helper_server_name(const std::string& registry) {
    if (registry == "docker.io" || registry == "index.docker.io" || registry == "registry-1.docker.io")
        return "https://index.docker.io/v1/";
    return registry;
}

std::optional<Credentials> helper_credentials(const std::string& helper, const std::string& registry) {
    std::string program = "docker-credential-" + helper;
    std::string what = fmt::format("credential helper {} for registry {}", program, registry);
    boost::filesystem::path exe = bp::search_path(program);
    if (exe.empty()) throw Error(fmt::format("{}: {} is not in PATH", what, program));
    HelperRun run;
    try {
        run = run_get(exe, helper_server_name(registry), what);
    } catch (const std::system_error& e) {
        throw Error(fmt::format("{}: cannot run {}: {}", what, exe.string(), e.what()));
    }
    std::string said = trimmed(run.out.empty() ? run.err : run.out);
    if (run.exit_code != 0) {
        if (said.find("credentials not found") != std::string::npos) return std::nullopt;
        throw Error(fmt::format("{}: `{} get` exited with {}: {}", what, program, run.exit_code,
                                said.empty() ? "(no message)" : said));
    }
    auto j = nlohmann::json::parse(run.out, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("Username") || !j["Username"].is_string() ||
        !j.contains("Secret") || !j["Secret"].is_string())
        throw Error(fmt::format("{}: its answer ({} bytes, not shown: it may hold a secret) is not a JSON "
                                "object with strings Username and Secret",
                                what, run.out.size()));
    Credentials c{j["Username"].get<std::string>(), j["Secret"].get<std::string>()};
    if (c.username == "<token>")
        throw Error(fmt::format("{}: answered an identity token, which stack does not support yet "
                                "(log in with a user name and password)",
                                what));
    return c;
}

}  // namespace stk::image::registry
