#include "image/build/dockerfile/heredoc.hpp"

#include <regex>

namespace stk::build {
namespace {

const std::regex& marker_regex() {
    static const std::regex r(R"(<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2)");
    return r;
}

}  // namespace

std::vector<HeredocMarker> find_heredoc_markers(std::string_view text, char escape) {
    std::vector<HeredocMarker> out;
    std::string s(text);
    char quote = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == escape && quote != '\'') {
            ++i;  // the next character is literal
        } else if (quote != 0) {
            if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (s.compare(i, 2, "<<") == 0) {
            std::smatch m;
            auto from = s.cbegin() + static_cast<std::ptrdiff_t>(i);
            if (!std::regex_search(from, s.cend(), m, marker_regex(),
                                   std::regex_constants::match_continuous))
                continue;
            HeredocMarker mk;
            mk.pos = i;
            size_t length = static_cast<size_t>(m.length(0));
            mk.length = length;
            mk.doc.strip_tabs = m[1].length() > 0;
            mk.doc.expand = m[2].length() == 0;
            mk.doc.name = m[3].str();
            out.push_back(std::move(mk));
            i += length - 1;
        }
    }
    return out;
}

bool is_heredoc_word(std::string_view word, std::string& name) {
    std::match_results<std::string_view::const_iterator> m;
    if (!std::regex_match(word.begin(), word.end(), m, marker_regex())) return false;
    name = m[3].str();
    return true;
}

std::string expand_heredoc(std::string_view content, const VarMap& vars, char escape) {
    // Make every character but the expansions literal for expand_word: quotes and escape
    // characters are escaped, except an escape before '$' (a literal dollar, as in sh).
    std::string word;
    for (size_t i = 0; i < content.size(); ++i) {
        char c = content[i];
        if (c == escape && i + 1 < content.size() && content[i + 1] == '$') {
            word += escape;
            word += '$';
            ++i;
        } else if (c == '"' || c == '\'' || c == escape) {
            word += escape;
            word += c;
        } else {
            word += c;
        }
    }
    return expand_word(word, vars, escape);
}

}  // namespace stk::build
