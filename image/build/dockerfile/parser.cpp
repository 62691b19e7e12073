#include "image/build/dockerfile/parser.hpp"

#include <algorithm>
#include <map>
#include <cctype>
#include <regex>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace stk::build {

std::optional<std::string> Instruction::flag(const std::string& name) const {
    for (const auto& [k, v] : flags)
        if (k == name) return v;
    return std::nullopt;
}

namespace {

const std::set<std::string> kKnown = {"FROM",       "RUN",         "CMD",   "LABEL",  "MAINTAINER",
                                      "EXPOSE",     "ENV",         "ADD",   "COPY",   "ENTRYPOINT",
                                      "VOLUME",     "USER",        "WORKDIR", "ARG",  "ONBUILD",
                                      "STOPSIGNAL", "HEALTHCHECK", "SHELL"};
// Instructions whose arguments may be a JSON array.
const std::set<std::string> kJsonForm = {"RUN", "CMD",    "ENTRYPOINT", "SHELL",
                                         "COPY", "ADD",   "VOLUME"};
// The flags each instruction accepts (anything else is a clear error).
const std::map<std::string, std::set<std::string>> kFlags = {
    {"FROM", {"platform"}},
    {"COPY", {"from", "chown", "chmod", "link", "parents", "exclude"}},
    {"ADD", {"chown", "chmod", "link", "checksum", "keep-git-dir", "exclude"}},
    {"RUN", {"mount", "network", "security"}},
    {"HEALTHCHECK", {"interval", "timeout", "start-period", "start-interval", "retries"}},
};

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::string_view trim_left(std::string_view s) {
    size_t i = 0;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    return s.substr(i);
}

std::string_view trim(std::string_view s) {
    s = trim_left(s);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

bool is_comment(std::string_view line) {
    auto t = trim_left(line);
    return !t.empty() && t[0] == '#';
}

// "RUN a \" continues on the next line: returns the line without its escape.
bool strip_continuation(std::string& line, char escape) {
    size_t end = line.size();
    while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\r'))
        --end;
    if (end == 0 || line[end - 1] != escape) return false;
    line.erase(end - 1);
    return true;
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t start = 0;
    while (start <= text.size()) {
        size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos) {
            if (start < text.size()) lines.push_back(text.substr(start));
            break;
        }
        auto l = text.substr(start, nl - start);
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        lines.push_back(l);
        start = nl + 1;
    }
    return lines;
}

// Leading "--name[=value]" words.
void take_flags(Instruction& ins, std::string_view& rest, char escape) {
    while (rest.size() > 2 && rest.substr(0, 2) == "--") {
        size_t end = 0;
        while (end < rest.size() && !std::isspace(static_cast<unsigned char>(rest[end]))) ++end;
        std::string word(rest.substr(2, end - 2));
        rest = trim_left(rest.substr(end));
        auto eq = word.find('=');
        std::string name = word.substr(0, eq);
        std::string value = eq == std::string::npos ? "" : word.substr(eq + 1);
        auto allowed = kFlags.find(ins.keyword);
        if (allowed == kFlags.end() || !allowed->second.count(name))
            throw DockerfileError(ins, fmt::format("unknown flag --{} for {}", name, ins.keyword));
        ins.flags.emplace_back(name, value);
    }
}

std::optional<std::vector<std::string>> json_array(std::string_view text) {
    if (text.empty() || text[0] != '[') return std::nullopt;
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_array()) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& e : j) {
        if (!e.is_string()) return std::nullopt;
        out.push_back(e.get<std::string>());
    }
    return out;
}

// Reads the bodies of the heredocs `ins` opens from lines[i...] (advancing i). A RUN gets them
// back in its text for the shell, or, when the RUN is a lone `<<EOF`, the body as its script.
void read_heredocs(Instruction& ins, const std::vector<std::string_view>& lines, size_t& i,
                   char escape) {
    if ((ins.keyword != "RUN" && ins.keyword != "COPY" && ins.keyword != "ADD") || ins.json) return;
    auto markers = find_heredoc_markers(ins.rest, escape);
    std::string for_shell = ins.rest;
    for (auto& mk : markers) {
        Heredoc doc = mk.doc;
        bool closed = false;
        while (i < lines.size()) {
            std::string_view l = lines[i++];
            doc.raw += std::string(l) + "\n";
            std::string_view body = l;
            if (doc.strip_tabs)
                while (!body.empty() && body.front() == '\t') body.remove_prefix(1);
            if (body == doc.name) {
                closed = true;
                break;
            }
            doc.content += std::string(body) + "\n";
        }
        if (!closed)
            throw DockerfileError(ins, fmt::format("heredoc <<{} has no terminating \"{}\" line",
                                                   doc.name, doc.name));
        for_shell += "\n" + doc.raw.substr(0, doc.raw.size() - 1);
        ins.heredocs.push_back(std::move(doc));
    }
    if (ins.keyword != "RUN" || markers.empty()) return;
    bool lone = markers.size() == 1 && trim(ins.rest) == ins.rest.substr(markers[0].pos, markers[0].length);
    ins.rest = lone ? ins.heredocs[0].content : for_shell;
    ins.args = split_words(ins.rest, escape);
}

Instruction parse_instruction(const std::string& text, const std::string& file, int line,
                              char escape) {
    Instruction ins;
    ins.file = file;
    ins.line = line;
    ins.original = std::string(trim(text));
    std::string_view rest = ins.original;
    size_t kw_end = 0;
    while (kw_end < rest.size() && !std::isspace(static_cast<unsigned char>(rest[kw_end])))
        ++kw_end;
    ins.keyword = upper(std::string(rest.substr(0, kw_end)));
    rest = trim_left(rest.substr(kw_end));
    if (!kKnown.count(ins.keyword))
        throw DockerfileError(ins, fmt::format("unknown instruction: {}", ins.keyword));
    if (ins.keyword == "ONBUILD")
        throw DockerfileError(ins, "ONBUILD is not supported by stack build (its triggers would "
                                   "run in images built FROM this one); remove it");
    take_flags(ins, rest, escape);
    ins.rest = std::string(rest);
    if (kJsonForm.count(ins.keyword)) {
        if (auto arr = json_array(rest)) {
            ins.json = true;
            ins.args = *arr;
        }
    }
    if (!ins.json) ins.args = split_words(rest, escape);
    return ins;
}

struct Directives {
    char escape = '\\';
    std::vector<std::string> notes;
};

// Parser directives: "# name=value" lines at the very top; the first other line ends them.
size_t read_directives(const std::vector<std::string_view>& lines, const std::string& file,
                       Directives& d) {
    static const std::regex directive(R"(^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$)");
    std::set<std::string> seen;
    size_t i = 0;
    for (; i < lines.size(); ++i) {
        std::string l(trim_left(lines[i]));
        std::smatch m;
        if (!std::regex_match(l, m, directive)) break;
        std::string name = m[1].str();
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = m[2].str();
        if (!seen.insert(name).second)
            throw DockerfileError(file, static_cast<int>(i + 1),
                                  fmt::format("only one {} parser directive can be used", name));
        if (name == "escape") {
            if (value != "\\" && value != "`")
                throw DockerfileError(file, static_cast<int>(i + 1),
                                      fmt::format("invalid escape token '{}' does not match ` or \\",
                                                  value));
            d.escape = value[0];
        } else if (name == "syntax") {
            d.notes.push_back(fmt::format("{}:{}: # syntax={} ignored: stack builds with its own "
                                          "Dockerfile frontend",
                                          file, i + 1, value));
        }
    }
    return i;
}

}  // namespace

std::vector<std::string> split_words(std::string_view text, char escape) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false, escaped = false;
    char quote = 0;
    for (char c : text) {
        if (escaped) {
            word += c;
            escaped = false;
            continue;
        }
        if (quote == 0 && std::isspace(static_cast<unsigned char>(c))) {
            if (in_word) words.push_back(std::move(word));
            word.clear();
            in_word = false;
            continue;
        }
        in_word = true;
        word += c;
        if (c == escape && quote != '\'') escaped = true;
        else if (quote == 0 && (c == '"' || c == '\'')) quote = c;
        else if (c == quote) quote = 0;
    }
    if (in_word) words.push_back(std::move(word));
    return words;
}

Dockerfile parse_dockerfile(std::string_view text, const std::string& file) {
    Dockerfile df;
    df.file = file;
    auto lines = split_lines(text);
    Directives d;
    size_t i = read_directives(lines, file, d);
    df.escape = d.escape;
    df.notes = std::move(d.notes);
    while (i < lines.size()) {
        std::string_view first = lines[i];
        int start_line = static_cast<int>(i + 1);
        ++i;
        if (trim(first).empty() || is_comment(first)) continue;
        std::string text_joined(trim_left(first));
        bool more = strip_continuation(text_joined, df.escape);
        while (more && i < lines.size()) {
            std::string_view next = lines[i++];
            if (is_comment(next) || trim(next).empty()) continue;
            std::string piece(next);
            more = strip_continuation(piece, df.escape);
            text_joined += piece;
        }
        Instruction ins = parse_instruction(text_joined, file, start_line, df.escape);
        read_heredocs(ins, lines, i, df.escape);
        df.instructions.push_back(std::move(ins));
    }
    return df;
}

}  // namespace stk::build
