#pragma once
// What the export could not carry over exactly: one line per item, naming the service (or the
// project) and the key, printed on stderr after the manifests are written.
#include <string>
#include <vector>

namespace stk::k8s {

class Report {
public:
    // Mapped, but Kubernetes behaves differently in the way `what` says.
    void approximated(const std::string& service, const std::string& key, const std::string& what);
    // Not exported at all.
    void dropped(const std::string& service, const std::string& key, const std::string& what);

    // "approximated: service \"web\": healthcheck: ...", in the order reported, duplicates once.
    const std::vector<std::string>& lines() const { return lines_; }

private:
    void add(const char* verdict, const std::string& service, const std::string& key,
             const std::string& what);
    std::vector<std::string> lines_;
};

}  // namespace stk::k8s
