#include "network/ipam/locked_state.hpp"

#include <fcntl.h>
#include <sys/file.h>

#include "runtime/sys/error.hpp"
#include "runtime/sys/file_util.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::net {
namespace {

UniqueFd lock(const std::filesystem::path& file, int how) {
    std::filesystem::create_directories(file.parent_path());
    auto lock_path = file.string() + ".lock";
    UniqueFd fd(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (!fd) throw_errno("open lock file \"" + lock_path + "\"");
    while (::flock(fd.get(), how) != 0) {
        if (errno != EINTR) throw_errno("flock \"" + lock_path + "\"");
    }
    return fd;
}

nlohmann::json parse(const std::filesystem::path& file) {
    auto text = read_file_if_exists(file);
    if (!text || text->empty()) return nlohmann::json::object();
    try {
        return nlohmann::json::parse(*text);
    } catch (const nlohmann::json::exception& e) {
        throw Error("parse state file \"" + file.string() + "\": " + e.what());
    }
}

}  // namespace

nlohmann::json update_locked_json(const std::filesystem::path& file,
                                  const std::function<bool(nlohmann::json&)>& edit) {
    // With nothing recorded, an edit that changes nothing (a release after `down` removed the
    // run root) must not bring the directory back.
    if (!std::filesystem::exists(file.parent_path())) {
        nlohmann::json empty = nlohmann::json::object();
        if (!edit(empty)) return empty;
    }
    auto held = lock(file, LOCK_EX);
    auto doc = parse(file);
    if (edit(doc)) write_file_atomic(file, doc.dump(2) + "\n", 0644);
    return doc;
}

nlohmann::json read_locked_json(const std::filesystem::path& file) {
    if (!std::filesystem::exists(file.parent_path())) return nlohmann::json::object();
    auto held = lock(file, LOCK_SH);
    return parse(file);
}

}  // namespace stk::net
