#pragma once
// The `name  | line` prefix of `stack up` and `stack logs`, as docker compose prints it
// (cmd/formatter/logs.go, colors.go): the name padded to the longest name + 1, then " | ";
// each container takes the next colour of the rotation cyan, yellow, green, magenta, blue and
// then their bright variants; --no-color, -t (timestamps), --no-log-prefix.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orchestrator/supervise/logs/log_record.hpp"

namespace stk::supervise {

struct LogFormat {
    bool color = true;
    bool timestamps = false;
    bool prefix = true;  // false: --no-log-prefix
};

class LogPrefixer {
public:
    explicit LogPrefixer(LogFormat format = {}) : format_(format) {}

    // Registers a container; its colour is the next one. Adding a name again keeps its colour.
    void add(const std::string& name);

    // One output line, newline included. `name` is added first if unknown.
    std::string format(const std::string& name, std::string_view line,
                       std::optional<LogTime> time = std::nullopt);

    // e.g. "web-1 exited with code 0", in the container's colour, without the prefix.
    std::string status_line(const std::string& name, std::string_view text);

    size_t width() const { return width_; }

private:
    std::string paint(const std::string& name, const std::string& text) const;

    LogFormat format_;
    std::map<std::string, size_t> colour_of_;
    size_t width_ = 0;
};

// The SGR colour code of rotation slot `index` ("36", "33", ..., "36;1", ...).
std::string_view log_colour(size_t index);

}  // namespace stk::supervise
