#pragma once
// Docker's word expansion for Dockerfile arguments (ADD, COPY, ENV, EXPOSE, FROM, LABEL,
// STOPSIGNAL, USER, VOLUME, WORKDIR, ARG): $VAR, ${VAR}, ${VAR:-w}, ${VAR-w}, ${VAR:+w},
// ${VAR+w}, ${VAR:?msg}, ${VAR?msg}, single and double quotes, and the escape character.
// Quotes are removed; an unset variable expands to "".
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace stk::build {

using VarMap = std::map<std::string, std::string>;

// One word: the result is a single string. Throws stk::Error for ${VAR:?msg} with VAR unset
// and for an unterminated ${ or quote (the caller adds Dockerfile:line).
std::string expand_word(std::string_view word, const VarMap& vars, char escape = '\\');

// Several words: unquoted whitespace (also inside expanded values) separates them.
std::vector<std::string> expand_words(std::string_view text, const VarMap& vars,
                                      char escape = '\\');

}  // namespace stk::build
