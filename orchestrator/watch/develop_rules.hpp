#pragma once
// compose's `develop.watch` rules, decided as plain data: which rule a changed host path falls
// under, where it goes in the container, and what the service then needs (sync, restart).
// Pure: the file system is not looked at here.
//
// Matching follows docker compose: `path` is relative to the project directory; a changed file
// at `path/REL` syncs to `target/REL` (or to `target` when `path` is the file itself); `ignore`
// patterns are relative to `path` in .dockerignore syntax (`*` within one level, `**` any
// number of levels, a pattern matches a directory's whole content, `!` re-includes; later
// patterns win); `include`, when given, keeps only matching files. Like compose, editor
// temporaries (`*~`, `*.swp`, `*.swx`, `.#*`, `#*#`, `4913`) and `.git` are always ignored.
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "orchestrator/model/project.hpp"

namespace stk::watch {

enum class DevelopAction { Sync, Restart, SyncRestart, SyncExec, Rebuild };

// "sync", "restart", "sync+restart", "sync+exec", "rebuild"; nullopt for anything else.
std::optional<DevelopAction> parse_develop_action(const std::string& text);

struct DevelopRule {
    std::string service;
    DevelopAction action = DevelopAction::Sync;
    std::filesystem::path path;  // absolute on the host
    std::string target;          // absolute in the container ("" for restart/rebuild)
    std::vector<std::string> ignore;
    std::vector<std::string> include;
    bool initial_sync = false;
    std::vector<std::string> exec_command;  // sync+exec
};

// Every service's rules, host paths made absolute against the project's working directory.
std::vector<DevelopRule> develop_rules(const model::Project& project);

// Whether a path relative to a rule's `path` is ignored by `patterns` (.dockerignore syntax).
bool ignored_by(const std::vector<std::string>& patterns, const std::filesystem::path& relative);

struct SyncItem {
    std::filesystem::path host;  // may no longer exist: then the target is deleted
    std::string target;          // absolute path in the container
};

// What a batch of changed paths asks of each service.
struct ServiceWork {
    std::vector<SyncItem> sync;
    bool restart = false;
    bool rebuild = false;
    std::vector<std::vector<std::string>> exec;  // sync+exec commands, once each
};

// Applies the rules to the changed paths; services without work are absent.
std::map<std::string, ServiceWork> plan_develop(const std::vector<DevelopRule>& rules,
                                                const std::set<std::filesystem::path>& changed);

// Where `host` (under `rule.path`) goes in the container, or nullopt when the rule does not
// take it (outside `path`, ignored, not included).
std::optional<std::string> sync_target(const DevelopRule& rule, const std::filesystem::path& host);

}  // namespace stk::watch
