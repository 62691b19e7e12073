#pragma once
// .dockerignore: docker's pattern rules (moby/patternmatcher). Each line is a Go
// filepath.Match pattern, extended with `**` (any number of directories); `!` marks an
// exception; a leading `/` and `./` are dropped and the pattern is cleaned; the last matching
// line wins; a pattern that matches a directory excludes everything below it.
// The Dockerfile and .dockerignore are still read by the builder when excluded, but COPY and
// ADD never see an excluded file.
#include <filesystem>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace stk::build {

class IgnoreMatcher {
public:
    IgnoreMatcher() = default;
    // `origin` names the file in errors ("/ctx/.dockerignore:3: bad pattern").
    static IgnoreMatcher parse(std::string_view text, const std::string& origin = ".dockerignore");
    // The context's .dockerignore, or a matcher that excludes nothing.
    static IgnoreMatcher load(const std::filesystem::path& context_dir);

    // `path` relative to the context, '/'-separated, no leading "./".
    bool excluded(std::string_view path) const;
    // True when an exception could re-include something under the excluded directory `dir`,
    // so a walk must descend into it anyway.
    bool may_reinclude_under(std::string_view dir) const;
    bool empty() const { return patterns_.empty(); }

private:
    struct Pattern {
        std::string text;  // cleaned
        bool exception = false;
        std::regex re;
    };
    std::vector<Pattern> patterns_;
};

// Go's filepath.Clean for '/'-separated relative paths ("a/./b/../c//" -> "a/c").
std::string clean_path(std::string_view path);

// The non-empty components of a '/'-separated path, "." left out.
std::vector<std::string> path_components(std::string_view path);

// Go filepath.Match on '/'-separated paths (`*`, `?`, `[...]`, `\` escapes); used for
// COPY/ADD source wildcards. Throws stk::Error for a malformed pattern.
bool glob_match(std::string_view pattern, std::string_view name);

}  // namespace stk::build
