#include "orchestrator/load/profiles.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "orchestrator/load/diagnostics.hpp"

namespace stk::load {
namespace {

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    size_t e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

std::vector<std::string> service_profiles(const Node& svc) {
    std::vector<std::string> out;
    const Node* p = svc.find("profiles");
    if (!p) return out;
    if (p->is_scalar()) out.push_back(p->scalar);
    for (const auto& i : p->items)
        if (i.is_scalar()) out.push_back(i.scalar);
    return out;
}

struct Reference {
    std::string target;
    Location loc;
};

// Services named by `svc`, except optional depends_on entries (required: false).
std::vector<Reference> references(const Node& svc) {
    std::vector<Reference> refs;
    if (const Node* d = svc.find("depends_on")) {
        for (const auto& i : d->items)
            if (i.is_scalar()) refs.push_back({i.scalar, i.loc});
        for (const auto& e : d->entries) {
            const Node* req = e.value.find("required");
            if (req && req->is_scalar() && req->scalar == "false") continue;
            refs.push_back({e.key, e.key_loc});
        }
    }
    if (const Node* l = svc.find("links"))
        for (const auto& i : l->items)
            if (i.is_scalar()) refs.push_back({i.scalar.substr(0, i.scalar.find(':')), i.loc});
    for (const char* f : {"network_mode", "pid", "ipc"}) {
        const Node* n = svc.find(f);
        if (n && n->is_scalar() && n->scalar.rfind("service:", 0) == 0)
            refs.push_back({n->scalar.substr(8), n->loc});
    }
    if (const Node* vf = svc.find("volumes_from")) {
        for (const auto& i : vf->items) {
            if (!i.is_scalar() || i.scalar.rfind("container:", 0) == 0) continue;
            refs.push_back({i.scalar.substr(0, i.scalar.find(':')), i.loc});
        }
    }
    return refs;
}

}  // namespace

std::vector<std::string> enabled_profiles(const std::vector<std::string>& flags,
                                          const std::string& compose_profiles) {
    std::vector<std::string> out;
    auto add = [&](const std::string& raw) {
        std::string p = trim(raw);
        if (!p.empty() && std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
    };
    for (const auto& f : flags) add(f);
    size_t start = 0;
    while (start <= compose_profiles.size()) {
        size_t comma = compose_profiles.find(',', start);
        if (comma == std::string::npos) comma = compose_profiles.size();
        add(compose_profiles.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

ProfileResult apply_profiles(Node& root, const std::vector<std::string>& enabled) {
    ProfileResult result;
    result.active = enabled;
    std::set<std::string> all;
    Node* services = root.find("services");
    if (!services || !services->is_map()) return result;

    bool everything = std::find(enabled.begin(), enabled.end(), "*") != enabled.end();
    std::map<std::string, std::vector<std::string>> disabled;  // service -> its profiles
    for (const auto& e : services->entries) {
        auto profiles = service_profiles(e.value);
        all.insert(profiles.begin(), profiles.end());
        if (profiles.empty() || everything) continue;
        bool on = std::any_of(profiles.begin(), profiles.end(), [&](const std::string& p) {
            return std::find(enabled.begin(), enabled.end(), p) != enabled.end();
        });
        if (!on) disabled[e.key] = profiles;
    }
    result.all.assign(all.begin(), all.end());

    std::vector<Diagnostic> errors;
    for (const auto& e : services->entries) {
        if (disabled.count(e.key) || !e.value.is_map()) continue;
        for (const auto& ref : references(e.value)) {
            auto it = disabled.find(ref.target);
            if (it == disabled.end()) continue;
            std::string profiles;
            for (const auto& p : it->second) profiles += (profiles.empty() ? "" : ", ") + p;
            errors.push_back(Diagnostic{ref.loc, "",
                                        "service \"" + e.key + "\" depends on service \"" +
                                            ref.target +
                                            "\" which is disabled by profiles (enable one of "
                                            "its profiles: " + profiles + ")",
                                        {}});
        }
    }
    if (!errors.empty()) throw LoadError(std::move(errors));
    std::erase_if(services->entries,
                  [&](const MapEntry& e) { return disabled.count(e.key) != 0; });
    return result;
}

}  // namespace stk::load
