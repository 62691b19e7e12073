#include "image/build/dockerfile/run_mount.hpp"

#include <fmt/format.h>

#include <vector>

#include "runtime/sys/error.hpp"

namespace stk::build {
namespace {

bool truth(const std::string& key, const std::string& value) {
    if (value.empty() || value == "true") return true;
    if (value == "false") return false;
    throw Error(fmt::format("--mount {}={}: expected true or false", key, value));
}

}  // namespace

RunMount parse_run_mount(std::string_view value) {
    RunMount m;
    bool explicit_rw = false;
    std::string type = "bind";
    size_t start = 0;
    std::vector<std::pair<std::string, std::string>> fields;
    while (start <= value.size()) {
        size_t comma = value.find(',', start);
        std::string item(
            value.substr(start, comma == std::string_view::npos ? comma : comma - start));
        start = comma == std::string_view::npos ? value.size() + 1 : comma + 1;
        if (item.empty()) continue;
        auto eq = item.find('=');
        std::string key = item.substr(0, eq);
        std::string v = eq == std::string::npos ? "" : item.substr(eq + 1);
        if (key == "type")
            type = v;
        else
            fields.emplace_back(key, v);
    }
    if (type == "cache")
        m.type = RunMount::Type::Cache;
    else if (type != "bind")
        throw Error(fmt::format(
            "--mount type={} is not supported by stack build (cache and bind are)", type));
    for (const auto& [key, v] : fields) {
        if (key == "target" || key == "dst" || key == "destination")
            m.target = v;
        else if (key == "source" || key == "src")
            m.source = v;
        else if (key == "from")
            m.from = v;
        else if (key == "id" && m.type == RunMount::Type::Cache)
            m.id = v;
        else if (key == "ro" || key == "readonly")
            m.read_only = truth(key, v);
        else if (key == "rw" || key == "readwrite") {
            m.read_only = !truth(key, v);
            explicit_rw = !m.read_only;
        } else if (key == "sharing" && m.type == RunMount::Type::Cache) {
            if (v != "shared" && v != "private" && v != "locked")
                throw Error(
                    fmt::format("--mount sharing={}: expected shared, private or locked", v));
        } else {
            throw Error(
                fmt::format("--mount type={}: unknown or unsupported option \"{}\"", type, key));
        }
    }
    if (m.target.empty()) throw Error(fmt::format("--mount type={}: target is required", type));
    if (m.target[0] != '/') m.target = "/" + m.target;
    if (m.type == RunMount::Type::Cache) {
        if (!m.from.empty() || !m.source.empty())
            throw Error("--mount type=cache: from and source are not supported by stack build");
        m.read_only = false;
    } else if (explicit_rw) {
        throw Error(
            "--mount type=bind,rw is not supported by stack build (its writes would have "
            "to be discarded); mount it read-only");
    }
    return m;
}

}  // namespace stk::build
