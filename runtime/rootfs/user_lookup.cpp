#include "runtime/rootfs/user_lookup.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <sstream>

#include "runtime/path/safe_path.hpp"
#include "runtime/sys/error.hpp"

namespace stk::runtime {
namespace {

struct PasswdEntry {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
    std::string home;
};

struct GroupEntry {
    std::string name;
    gid_t gid = 0;
    std::vector<std::string> members;
};

std::optional<uint32_t> parse_id(std::string_view s) {
    uint32_t v = 0;
    if (s.empty()) return std::nullopt;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v > 0x7fffffffu) return std::nullopt;
    return v;
}

std::vector<std::string> split(const std::string& line, char sep) {
    std::vector<std::string> out;
    std::string field;
    std::istringstream in(line);
    while (std::getline(in, field, sep)) out.push_back(field);
    if (!line.empty() && line.back() == sep) out.emplace_back();
    return out;
}

// A missing file is an empty database (scratch images have no /etc/passwd).
std::string read_in_root(int root_fd, const char* path) {
    UniqueFd fd;
    try {
        fd = open_in_root(root_fd, path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
    } catch (const Error& e) {
        if (e.code() == std::errc::no_such_file_or_directory) return {};
        throw;
    }
    std::string out;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno(fmt::format("read \"{}\" inside the root", path));
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
        if (out.size() > (16u << 20)) throw Error(fmt::format("\"{}\" is too large", path));
    }
    return out;
}

template <typename Fn>
void for_each_line(const std::string& text, Fn&& fn) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#' || line[0] == '+' || line[0] == '-') continue;
        fn(line);
    }
}

std::vector<PasswdEntry> parse_passwd(const std::string& text) {
    std::vector<PasswdEntry> out;
    for_each_line(text, [&](const std::string& line) {
        auto f = split(line, ':');
        if (f.size() < 7) return;
        auto uid = parse_id(f[2]);
        auto gid = parse_id(f[3]);
        if (!uid || !gid) return;
        out.push_back({f[0], *uid, *gid, f[5]});
    });
    return out;
}

std::vector<GroupEntry> parse_group(const std::string& text) {
    std::vector<GroupEntry> out;
    for_each_line(text, [&](const std::string& line) {
        auto f = split(line, ':');
        if (f.size() < 3) return;
        auto gid = parse_id(f[2]);
        if (!gid) return;
        GroupEntry g{f[0], *gid, {}};
        if (f.size() > 3)
            for (auto& m : split(f[3], ','))
                if (!m.empty()) g.members.push_back(m);
        out.push_back(std::move(g));
    });
    return out;
}

}  // namespace

ResolvedUser resolve_user(int root_fd, const std::string& user_spec) {
    return with_context(fmt::format("resolve user \"{}\"", user_spec), [&] {
        auto colon = user_spec.find(':');
        std::string user_part = user_spec.substr(0, colon);
        std::optional<std::string> group_part;
        if (colon != std::string::npos) group_part = user_spec.substr(colon + 1);
        if (user_part.empty() && group_part) throw Error("empty user name");
        if (group_part && group_part->empty()) throw Error("empty group name");

        auto passwd = parse_passwd(read_in_root(root_fd, "/etc/passwd"));
        ResolvedUser r;
        const PasswdEntry* entry = nullptr;
        if (user_part.empty()) user_part = "0";
        if (auto uid = parse_id(user_part)) {
            r.uid = *uid;
            for (const auto& p : passwd)
                if (p.uid == *uid) {
                    entry = &p;
                    break;
                }
        } else {
            for (const auto& p : passwd)
                if (p.name == user_part) {
                    entry = &p;
                    break;
                }
            if (!entry) throw Error(fmt::format("no user \"{}\" in /etc/passwd", user_part));
            r.uid = entry->uid;
        }
        if (entry) {
            r.gid = entry->gid;
            if (!entry->home.empty()) r.home = entry->home;
        }

        auto groups = parse_group(read_in_root(root_fd, "/etc/group"));
        if (group_part) {
            if (auto gid = parse_id(*group_part)) {
                r.gid = *gid;
            } else {
                auto it = std::find_if(groups.begin(), groups.end(),
                                       [&](const GroupEntry& g) { return g.name == *group_part; });
                if (it == groups.end())
                    throw Error(fmt::format("no group \"{}\" in /etc/group", *group_part));
                r.gid = it->gid;
            }
        }
        if (entry) {
            for (const auto& g : groups)
                if (std::find(g.members.begin(), g.members.end(), entry->name) != g.members.end())
                    r.groups.push_back(g.gid);
        }
        std::sort(r.groups.begin(), r.groups.end());
        r.groups.erase(std::unique(r.groups.begin(), r.groups.end()), r.groups.end());
        return r;
    });
}

}  // namespace stk::runtime
