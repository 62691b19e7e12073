#include "orchestrator/export/k8s/report.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace stk::k8s {

void Report::approximated(const std::string& service, const std::string& key, const std::string& what) {
    add("approximated", service, key, what);
}

void Report::dropped(const std::string& service, const std::string& key, const std::string& what) {
    add("dropped", service, key, what);
}

void Report::add(const char* verdict, const std::string& service, const std::string& key,
                 const std::string& what) {
    std::string who = service.empty() ? "project" : fmt::format("service \"{}\"", service);
    std::string line = fmt::format("{}: {}: {}: {}", verdict, who, key, what);
    if (std::find(lines_.begin(), lines_.end(), line) == lines_.end()) lines_.push_back(std::move(line));
}

}  // namespace stk::k8s
