#include "orchestrator/load/text_check.hpp"

#include <fmt/format.h>

#include "orchestrator/load/diagnostics.hpp"

namespace stk::load {
namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not one
// (overlong forms, surrogates and code points above U+10FFFF are invalid too).
size_t utf8_sequence(const std::string& text, size_t i) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char c = byte(i);
    if (c < 0x80) return 1;
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + len > text.size()) return 0;
    for (size_t k = 1; k < len; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

}  // namespace

std::optional<TextProblem> find_text_problem(const std::string& text) {
    int line = 1, column = 1;
    for (size_t i = 0; i < text.size();) {
        if (text[i] == '\0') return TextProblem{line, column, "a NUL byte"};
        size_t n = utf8_sequence(text, i);
        if (n == 0)
            return TextProblem{line, column,
                               fmt::format("an invalid UTF-8 byte 0x{:02x}",
                                           static_cast<unsigned char>(text[i]))};
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
        i += n;
    }
    return std::nullopt;
}

void check_text(const std::string& text, const std::shared_ptr<const std::string>& file) {
    auto problem = find_text_problem(text);
    if (!problem) return;
    throw LoadError(Diagnostic{Location{file, problem->line, problem->column}, "",
                               "the file contains " + problem->what,
                               "save it as UTF-8 text"});
}

}  // namespace stk::load
