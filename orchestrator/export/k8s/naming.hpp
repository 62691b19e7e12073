#pragma once
// Names Kubernetes accepts, made from stack names: DNS-1035 labels for objects (a Service name
// must be one, and every object of a service shares its name), IANA service names for ports,
// label values. Too long a name is cut and given a short hash of the original, so that two long
// names sharing a prefix stay distinct; NameTable refuses two stack names becoming one.
#include <map>
#include <string>
#include <string_view>

namespace stk::k8s {

inline constexpr size_t kMaxLabel = 63;    // DNS-1123/1035 label, label value
inline constexpr size_t kMaxPortName = 15;  // IANA_SVC_NAME

// Lowercase letters, digits and '-', starting with a letter, ending with a letter or digit.
std::string dns1035_label(std::string_view text, size_t max = kMaxLabel);
// An IANA service name: a DNS-1035-like label of at most 15 characters with a letter in it.
std::string port_name(std::string_view text);
// A label value: alphanumerics, '-', '_', '.', alphanumeric at both ends, at most 63.
std::string label_value(std::string_view text);

bool is_dns1123_label(std::string_view s);
bool is_dns1123_subdomain(std::string_view s);
bool is_dns1035_label(std::string_view s);
// A label or annotation key: [prefix/]name, prefix a DNS-1123 subdomain, name <= 63.
bool is_qualified_name(std::string_view s);
// An environment variable name Kubernetes 1.30 accepts by default (C identifier, dots, dashes).
bool is_env_var_name(std::string_view s);
// A ConfigMap / Secret key.
bool is_config_key(std::string_view s);

// The Kubernetes names given so far, per kind; claiming a name another origin already holds is
// an error naming both origins.
class NameTable {
public:
    // `origin` says where the name comes from, e.g. `service "web_front"`.
    const std::string& claim(const std::string& kind, const std::string& name,
                             const std::string& origin);

private:
    std::map<std::string, std::map<std::string, std::string>> taken_;  // kind -> name -> origin
};

}  // namespace stk::k8s
