#include "orchestrator/watch/develop_rules.hpp"

#include <fnmatch.h>

namespace stk::watch {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> segments(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size()) {
        size_t slash = text.find('/', start);
        if (slash == std::string::npos) slash = text.size();
        std::string seg = text.substr(start, slash - start);
        if (!seg.empty() && seg != ".") out.push_back(seg);
        start = slash + 1;
    }
    return out;
}

// The pattern's segments against all of `path`'s segments; `**` takes any number of them.
bool full_match(const std::vector<std::string>& pat, size_t i, const std::vector<std::string>& path,
                size_t j) {
    if (i == pat.size()) return j == path.size();
    if (pat[i] == "**") {
        for (size_t k = j; k <= path.size(); ++k)
            if (full_match(pat, i + 1, path, k)) return true;
        return false;
    }
    if (j == path.size()) return false;
    if (::fnmatch(pat[i].c_str(), path[j].c_str(), 0) != 0) return false;
    return full_match(pat, i + 1, path, j + 1);
}

// A pattern matches a path when it matches the path or one of its parent directories.
bool matches(const std::string& pattern, const std::vector<std::string>& path) {
    auto pat = segments(pattern);
    if (pat.empty()) return false;
    for (size_t k = 1; k <= path.size(); ++k) {
        std::vector<std::string> prefix(path.begin(), path.begin() + static_cast<long>(k));
        if (full_match(pat, 0, prefix, 0)) return true;
    }
    return false;
}

bool editor_temporary(const std::vector<std::string>& path) {
    for (const auto& seg : path) {
        if (seg == ".git") return true;
    }
    if (path.empty()) return false;
    const std::string& name = path.back();
    for (const char* p : {"*~", "*.swp", "*.swx", ".#*", "#*#", "4913"})
        if (::fnmatch(p, name.c_str(), 0) == 0) return true;
    return false;
}

std::string join_target(const std::string& target, const fs::path& rel) {
    std::string t = target;
    while (t.size() > 1 && t.back() == '/') t.pop_back();
    if (rel.empty() || rel == ".") return t;
    return (t == "/" ? "" : t) + "/" + rel.generic_string();
}

}  // namespace

std::optional<DevelopAction> parse_develop_action(const std::string& text) {
    if (text == "sync") return DevelopAction::Sync;
    if (text == "restart") return DevelopAction::Restart;
    if (text == "sync+restart") return DevelopAction::SyncRestart;
    if (text == "sync+exec") return DevelopAction::SyncExec;
    if (text == "rebuild") return DevelopAction::Rebuild;
    return std::nullopt;
}

std::vector<DevelopRule> develop_rules(const model::Project& project) {
    std::vector<DevelopRule> out;
    for (const auto& svc : project.services) {
        if (!svc.develop) continue;
        for (const auto& w : svc.develop->watch) {
            auto action = parse_develop_action(w.action);
            if (!action) continue;  // the loader already reported it
            DevelopRule r;
            r.service = svc.name;
            r.action = *action;
            fs::path p = w.path;
            r.path = (p.is_absolute() ? p : project.working_dir / p).lexically_normal();
            if (!r.path.has_filename()) r.path = r.path.parent_path();
            r.target = w.target;
            r.ignore = w.ignore;
            r.include = w.include;
            r.initial_sync = w.initial_sync;
            if (w.exec) r.exec_command = w.exec->command;
            out.push_back(std::move(r));
        }
    }
    return out;
}

bool ignored_by(const std::vector<std::string>& patterns, const fs::path& relative) {
    auto path = segments(relative.generic_string());
    bool ignored = false;
    for (const auto& raw : patterns) {
        bool negate = !raw.empty() && raw[0] == '!';
        std::string p = negate ? raw.substr(1) : raw;
        if (matches(p, path)) ignored = !negate;
    }
    return ignored;
}

std::optional<std::string> sync_target(const DevelopRule& rule, const fs::path& host) {
    fs::path rel = host.lexically_normal().lexically_relative(rule.path);
    if (rel.empty() || *rel.begin() == "..") return std::nullopt;
    auto segs = segments(rel.generic_string());
    if (editor_temporary(segs)) return std::nullopt;
    if (!segs.empty()) {
        if (ignored_by(rule.ignore, rel)) return std::nullopt;
        if (!rule.include.empty()) {
            bool any = false;
            for (const auto& p : rule.include) any = any || matches(p, segs);
            if (!any) return std::nullopt;
        }
    }
    return join_target(rule.target, rel == "." ? fs::path() : rel);
}

std::map<std::string, ServiceWork> plan_develop(const std::vector<DevelopRule>& rules,
                                                const std::set<fs::path>& changed) {
    std::map<std::string, ServiceWork> out;
    for (const auto& rule : rules) {
        bool hit = false;
        for (const auto& host : changed) {
            auto target = sync_target(rule, host);
            if (!target) continue;
            hit = true;
            if (rule.action == DevelopAction::Sync || rule.action == DevelopAction::SyncRestart ||
                rule.action == DevelopAction::SyncExec)
                out[rule.service].sync.push_back({host, *target});
        }
        if (!hit) continue;
        ServiceWork& w = out[rule.service];
        if (rule.action == DevelopAction::Restart || rule.action == DevelopAction::SyncRestart)
            w.restart = true;
        if (rule.action == DevelopAction::Rebuild) w.rebuild = true;
        if (rule.action == DevelopAction::SyncExec && !rule.exec_command.empty())
            w.exec.push_back(rule.exec_command);
    }
    return out;
}

}  // namespace stk::watch
