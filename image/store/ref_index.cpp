#include "image/store/ref_index.hpp"

#include <nlohmann/json.hpp>

#include "image/store/file_lock.hpp"
#include "runtime/sys/error.hpp"
#include "runtime/sys/file_util.hpp"

namespace stk::image {

RefMap read_refs(const std::filesystem::path& file) {
    return with_context(fmt::format("read image references \"{}\"", file.string()), [&] {
        RefMap refs;
        auto text = read_file_if_exists(file);
        if (!text) return refs;
        auto j = nlohmann::json::parse(*text, nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("refs") || !j["refs"].is_object())
            throw Error("not a JSON object with \"refs\"");
        for (const auto& [k, v] : j["refs"].items()) {
            if (!v.is_string()) throw Error(fmt::format("\"{}\": expected a digest string", k));
            refs[k] = Digest::parse(v.get<std::string>());
        }
        return refs;
    });
}

void update_refs(const std::filesystem::path& file, const std::filesystem::path& lock,
                 const std::function<bool(RefMap&)>& change) {
    UniqueFd held = lock_file(lock, LockMode::Exclusive);
    RefMap refs = read_refs(file);
    if (!change(refs)) return;
    nlohmann::json j = {{"refs", nlohmann::json::object()}};
    for (const auto& [k, d] : refs) j["refs"][k] = d.str();
    write_file_atomic(file, j.dump(2) + "\n");
}

}  // namespace stk::image
