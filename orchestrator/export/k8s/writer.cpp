#include "orchestrator/export/k8s/writer.hpp"

#include <regex>

#include <fmt/format.h>

#include "orchestrator/load/emit.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/file_util.hpp"

namespace stk::k8s {
namespace fs = std::filesystem;

std::string to_yaml_stream(const std::vector<nlohmann::json>& objects) {
    std::string out;
    for (const auto& o : objects) out += "---\n" + load::json_to_yaml(o);
    return out;
}

std::string object_file_name(const nlohmann::json& object, size_t index) {
    std::string kind = object.at("kind").get<std::string>();
    for (auto& c : kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return fmt::format("{:02}-{}-{}.yaml", index + 1, kind, object.at("metadata").at("name").get<std::string>());
}

void write_manifests(const std::vector<nlohmann::json>& objects, const fs::path& out) {
    std::string ext = out.extension().string();
    if (ext == ".yaml" || ext == ".yml") {
        write_file_atomic(out, to_yaml_stream(objects));
        return;
    }
    std::error_code ec;
    fs::create_directories(out, ec);
    if (ec) throw Error(fmt::format("create directory {}: {}", out.string(), ec.message()));
    // Objects removed from the stack must not linger from an earlier export; files not named
    // as this writer names them are left alone.
    static const std::regex ours("[0-9]{2,}-[a-z]+-[a-z0-9-]+\\.yaml");
    for (const auto& entry : fs::directory_iterator(out))
        if (entry.is_regular_file() && std::regex_match(entry.path().filename().string(), ours))
            fs::remove(entry.path());
    for (size_t i = 0; i < objects.size(); ++i)
        write_file_atomic(out / object_file_name(objects[i], i), load::json_to_yaml(objects[i]));
}

}  // namespace stk::k8s
