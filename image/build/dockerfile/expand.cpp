#include "image/build/dockerfile/expand.hpp"

#include <cctype>

#include <fmt/format.h>

#include "runtime/sys/error.hpp"

namespace stk::build {
namespace {

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// A small recursive scanner over one input, following moby/buildkit's shell lexer.
class Expander {
public:
    Expander(std::string_view in, const VarMap& vars, char escape, bool split)
        : in_(in), vars_(vars), escape_(escape), split_(split) {}

    std::vector<std::string> words() {
        std::string word;
        bool have = false;
        while (pos_ < in_.size()) {
            char c = in_[pos_];
            if (split_ && std::isspace(static_cast<unsigned char>(c))) {
                flush(word, have);
                ++pos_;
                continue;
            }
            have = true;
            if (c == '\'') {
                word += single_quoted();
            } else if (c == '"') {
                word += double_quoted();
            } else if (c == '$') {
                std::string value = dollar();
                if (!split_) {
                    word += value;
                    continue;
                }
                // Unquoted expansion splits at whitespace when several words are wanted.
                for (char v : value) {
                    if (std::isspace(static_cast<unsigned char>(v))) flush(word, have);
                    else {
                        word += v;
                        have = true;
                    }
                }
            } else if (c == escape_) {
                ++pos_;
                if (pos_ < in_.size()) word += in_[pos_++];
                else word += escape_;
            } else {
                word += c;
                ++pos_;
            }
        }
        flush(word, have);
        return std::move(out_);
    }

    // The text up to (not including) an unquoted `stop`, expanded; used inside ${...}.
    std::string until(char stop) {
        std::string word;
        while (pos_ < in_.size() && in_[pos_] != stop) {
            char c = in_[pos_];
            if (c == '\'') word += single_quoted();
            else if (c == '"') word += double_quoted();
            else if (c == '$') word += dollar();
            else if (c == escape_ && pos_ + 1 < in_.size()) {
                word += in_[pos_ + 1];
                pos_ += 2;
            } else {
                word += c;
                ++pos_;
            }
        }
        return word;
    }

private:
    void flush(std::string& word, bool& have) {
        if (have) out_.push_back(std::move(word));
        word.clear();
        have = false;
    }

    std::string single_quoted() {
        size_t end = in_.find('\'', pos_ + 1);
        if (end == std::string_view::npos) throw Error("unexpected end of input: missing '");
        std::string s(in_.substr(pos_ + 1, end - pos_ - 1));
        pos_ = end + 1;
        return s;
    }

    std::string double_quoted() {
        ++pos_;
        std::string s;
        while (true) {
            if (pos_ >= in_.size()) throw Error("unexpected end of input: missing \"");
            char c = in_[pos_];
            if (c == '"') {
                ++pos_;
                return s;
            }
            if (c == '$') {
                s += dollar();
            } else if (c == escape_ && pos_ + 1 < in_.size()) {
                char n = in_[pos_ + 1];
                if (n == '"' || n == '$' || n == escape_) s += n;
                else {
                    s += c;
                    s += n;
                }
                pos_ += 2;
            } else {
                s += c;
                ++pos_;
            }
        }
    }

    const std::string* lookup(const std::string& name) const {
        auto it = vars_.find(name);
        return it == vars_.end() ? nullptr : &it->second;
    }

    std::string dollar() {
        ++pos_;  // the '$'
        if (pos_ >= in_.size()) return "$";
        if (in_[pos_] != '{') {
            size_t start = pos_;
            while (pos_ < in_.size() && name_char(in_[pos_])) ++pos_;
            if (pos_ == start) return "$";
            const std::string* v = lookup(std::string(in_.substr(start, pos_ - start)));
            return v ? *v : "";
        }
        ++pos_;  // '{'
        size_t start = pos_;
        while (pos_ < in_.size() && name_char(in_[pos_])) ++pos_;
        std::string name(in_.substr(start, pos_ - start));
        if (name.empty()) throw Error("bad substitution: ${ without a variable name");
        if (pos_ >= in_.size()) throw Error(fmt::format("missing '}}' after ${{{}", name));
        const std::string* v = lookup(name);
        if (in_[pos_] == '}') {
            ++pos_;
            return v ? *v : "";
        }
        bool colon = in_[pos_] == ':';
        if (colon) ++pos_;
        if (pos_ >= in_.size()) throw Error(fmt::format("missing '}}' after ${{{}", name));
        char op = in_[pos_++];
        std::string word = until('}');
        if (pos_ >= in_.size()) throw Error(fmt::format("missing '}}' in ${{{}...", name));
        ++pos_;  // '}'
        bool set = v != nullptr && (!colon || !v->empty());
        switch (op) {
            case '-': return set ? *v : word;
            case '+': return set ? word : "";
            case '?':
                if (!set)
                    throw Error(fmt::format("{}: {}", name,
                                            word.empty() ? "is not allowed to be unset" : word));
                return *v;
            default:
                throw Error(fmt::format("unsupported modifier ({}) in substitution of {}", op, name));
        }
    }

    std::string_view in_;
    const VarMap& vars_;
    char escape_;
    bool split_;
    size_t pos_ = 0;
    std::vector<std::string> out_;
};

}  // namespace

std::string expand_word(std::string_view word, const VarMap& vars, char escape) {
    auto words = Expander(word, vars, escape, false).words();
    return words.empty() ? std::string() : words.front();
}

std::vector<std::string> expand_words(std::string_view text, const VarMap& vars, char escape) {
    return Expander(text, vars, escape, true).words();
}

}  // namespace stk::build
