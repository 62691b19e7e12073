#pragma once
// Helpers shared by the command tests: pids and statuses from the project's state, and lines
// of a log.
#include <sstream>
#include <string>

#include "tests/integration/e2e/e2e_support.hpp"

namespace cmdtest {

inline int pid_of(const e2e::Project& p, const std::string& service) {
    return p.container(p.cname(service)).value("pid", 0);
}

inline std::string status_of(const e2e::Project& p, const std::string& service) {
    return p.container(p.cname(service)).value("status", "");
}

inline size_t count_of(const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

}  // namespace cmdtest
