#pragma once
// Dockerfile heredocs (the 1.4 syntax) in RUN, COPY and ADD: `<<EOF`, `<<-EOF` (leading tabs
// stripped from the body and the terminator), `<<"EOF"` / `<<'EOF'` (no variable expansion).
// The body is the lines after the instruction up to the terminator line.
#include <string>
#include <string_view>
#include <vector>

#include "image/build/dockerfile/expand.hpp"

namespace stk::build {

struct Heredoc {
    std::string name;     // the delimiter word
    std::string content;  // the body, each line ending in '\n' (tabs stripped for <<-)
    std::string raw;      // the body and terminator lines as written (for the shell)
    bool expand = true;   // unquoted delimiter: $VAR in the body is expanded
    bool strip_tabs = false;
};

struct HeredocMarker {
    size_t pos = 0, length = 0;  // where "<<EOF" stands in the instruction's text
    Heredoc doc;                 // name, expand and strip_tabs; no body yet
};

// The heredoc markers in a shell-form RUN/COPY/ADD argument text, in order; not inside quotes
// or after the escape character.
std::vector<HeredocMarker> find_heredoc_markers(std::string_view text, char escape);

// Whether `word` (a COPY/ADD source) is a heredoc marker, e.g. "<<EOF"; sets `name` if so.
bool is_heredoc_word(std::string_view word, std::string& name);

// A COPY heredoc body with an unquoted delimiter: $VAR and ${VAR...} expanded, quotes and
// other characters kept as written, `\$` a literal dollar. Throws as expand_word does.
std::string expand_heredoc(std::string_view content, const VarMap& vars, char escape);

}  // namespace stk::build
