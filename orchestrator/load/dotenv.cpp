#include "orchestrator/load/dotenv.hpp"
#include "orchestrator/load/text_check.hpp"

#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "orchestrator/load/interpolate.hpp"

namespace stk::load {
namespace {

bool key_char(char c) {
    return c == '_' || c == '.' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}
bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

class DotenvParser {
public:
    DotenvParser(const std::string& text, const std::string& file, const Environment& lookup,
                 Diagnostics& diags)
        : text_(text), file_(std::make_shared<const std::string>(file)), lookup_(lookup),
          diags_(diags) {}

    Environment run() {
        while (pos_ < text_.size()) parse_line();
        return out_;
    }

private:
    Location here() const { return Location{file_, line_, 1}; }

    void skip_blanks() {
        while (pos_ < text_.size() && blank(text_[pos_])) ++pos_;
    }

    void skip_rest_of_line() {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
        if (pos_ < text_.size()) ++pos_;
        ++line_;
    }

    void fail(const std::string& message, const std::string& hint = {}) {
        diags_.error(here(), "", message, hint);
        skip_rest_of_line();
    }

    void parse_line() {
        skip_blanks();
        if (pos_ >= text_.size()) return;
        if (text_[pos_] == '\n' || text_[pos_] == '#') return skip_rest_of_line();
        if (text_.compare(pos_, 7, "export ") == 0) {
            pos_ += 7;
            skip_blanks();
        }
        size_t start = pos_;
        while (pos_ < text_.size() && key_char(text_[pos_])) ++pos_;
        std::string key = text_.substr(start, pos_ - start);
        skip_blanks();
        if (key.empty() || (pos_ < text_.size() && text_[pos_] != '=' && text_[pos_] != '\n' &&
                            text_[pos_] != '#')) {
            char bad = pos_ < text_.size() ? text_[pos_] : ' ';
            return fail("unexpected character \"" + std::string(1, bad) +
                            "\" in variable name",
                        "a line is KEY=VALUE, KEY, or a # comment");
        }
        if (pos_ >= text_.size() || text_[pos_] != '=') {
            // A bare KEY: taken from the environment when it is set there.
            auto it = lookup_.find(key);
            if (it != lookup_.end()) out_[key] = it->second;
            return skip_rest_of_line();
        }
        ++pos_;  // '='
        skip_blanks();
        int value_line = line_;
        std::optional<std::string> value;
        if (pos_ < text_.size() && text_[pos_] == '\'') {
            value = quoted('\'');
        } else if (pos_ < text_.size() && text_[pos_] == '"') {
            auto raw = quoted('"');
            if (raw) value = expand(*raw, value_line);
        } else {
            value = expand(unquoted(), value_line);
        }
        if (value) out_[key] = *value;
        skip_rest_of_line();
    }

    std::string unquoted() {
        size_t start = pos_;
        while (pos_ < text_.size() && text_[pos_] != '\n') {
            if (text_[pos_] == '#' && pos_ > start && blank(text_[pos_ - 1])) break;
            ++pos_;
        }
        std::string v = text_.substr(start, pos_ - start);
        while (!v.empty() && blank(v.back())) v.pop_back();
        return v;
    }

    // Reads a quoted value (possibly spanning lines); escapes only in double quotes.
    std::optional<std::string> quoted(char q) {
        int start_line = line_;
        ++pos_;
        std::string v;
        while (pos_ < text_.size() && text_[pos_] != q) {
            char c = text_[pos_];
            if (c == '\n') ++line_;
            if (q == '"' && c == '\\' && pos_ + 1 < text_.size()) {
                char n = text_[pos_ + 1];
                switch (n) {
                    case 'n': v += '\n'; break;
                    case 't': v += '\t'; break;
                    case 'r': v += '\r'; break;
                    case '\\': v += '\\'; break;
                    case '"': v += '"'; break;
                    default: v += '\\'; v += n; break;
                }
                pos_ += 2;
                continue;
            }
            v += c;
            ++pos_;
        }
        if (pos_ >= text_.size()) {
            line_ = start_line;
            diags_.error(here(), "", std::string("unterminated quoted value (missing ") + q + ")");
            pos_ = text_.size();
            return std::nullopt;
        }
        ++pos_;  // closing quote; anything after it on the line is ignored
        return v;
    }

    std::optional<std::string> expand(const std::string& raw, int at_line) {
        VariableLookup lookup = [this](const std::string& name) -> std::optional<std::string> {
            if (auto it = lookup_.find(name); it != lookup_.end()) return it->second;
            if (auto it = out_.find(name); it != out_.end()) return it->second;
            return std::nullopt;
        };
        std::set<std::string> unset;
        try {
            return substitute(raw, lookup, unset);
        } catch (const InvalidTemplate&) {
            diags_.error(Location{file_, at_line, 1}, "",
                         "invalid interpolation format: \"" + raw + "\"",
                         "use $$ for a literal $, or a 'single-quoted' value");
        } catch (const MissingRequired& e) {
            diags_.error(Location{file_, at_line, 1}, "", e.what());
        }
        return std::nullopt;
    }

    const std::string& text_;
    std::shared_ptr<const std::string> file_;
    const Environment& lookup_;
    Diagnostics& diags_;
    Environment out_;
    size_t pos_ = 0;
    int line_ = 1;
};

}  // namespace

Environment parse_dotenv(const std::string& text, const std::string& file,
                         const Environment& lookup, Diagnostics& diags) {
    if (auto problem = find_text_problem(text)) {
        diags.error(Location{std::make_shared<const std::string>(file), problem->line,
                             problem->column},
                    "", "the file contains " + problem->what, "save it as UTF-8 text");
        return {};
    }
    return DotenvParser(text, file, lookup, diags).run();
}

Environment read_env_file(const std::filesystem::path& path, const Environment& lookup,
                          Diagnostics& diags) {
    std::ifstream in(path, std::ios::binary);
    std::error_code ec;
    if (!in || std::filesystem::is_directory(path, ec)) {
        diags.error({}, "", "read env file \"" + path.string() + "\": cannot open it",
                    "check that the file exists and is readable");
        return {};
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_dotenv(ss.str(), path.string(), lookup, diags);
}

}  // namespace stk::load
