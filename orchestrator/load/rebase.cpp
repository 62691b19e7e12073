#include "orchestrator/load/rebase.hpp"

namespace stk::load {
namespace {

bool is_remote_context(const std::string& s) {
    return s.find("://") != std::string::npos || s.rfind("git@", 0) == 0 ||
           s.rfind("github.com/", 0) == 0;
}

void rebase_scalar(Node* n, const std::filesystem::path& dir) {
    if (n && n->is_scalar() && !n->scalar.empty()) n->scalar = absolute_against(n->scalar, dir);
}

void rebase_build(Node& build, const std::filesystem::path& dir) {
    Node* ctx = build.is_map() ? build.find("context") : &build;
    if (ctx && ctx->is_scalar() && !is_remote_context(ctx->scalar)) rebase_scalar(ctx, dir);
}

void rebase_volume(Node& v, const std::filesystem::path& dir) {
    if (v.is_scalar()) {
        const std::string& s = v.scalar;
        if (s.empty() || s[0] != '.') return;
        size_t colon = s.find(':');
        if (colon == std::string::npos) return;  // "./x" alone is a container path
        v.scalar = absolute_against(s.substr(0, colon), dir) + s.substr(colon);
    } else if (v.is_map()) {
        const Node* type = v.find("type");
        if (!type || !type->is_scalar() || type->scalar != "bind") return;
        Node* src = v.find("source");
        if (src && src->is_scalar() && !src->scalar.empty() && src->scalar[0] != '~')
            rebase_scalar(src, dir);
    }
}

}  // namespace

bool is_file(const std::filesystem::path& p) noexcept {
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec);
}

std::string absolute_against(const std::string& p, const std::filesystem::path& dir) {
    std::filesystem::path path(p);
    if (path.is_relative()) path = dir / path;
    std::string out = path.lexically_normal().string();
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
}

void rebase_service_paths(Node& service, const std::filesystem::path& dir) {
    if (!service.is_map()) return;
    if (Node* b = service.find("build")) rebase_build(*b, dir);
    if (Node* ef = service.find("env_file")) {
        if (ef->is_scalar()) rebase_scalar(ef, dir);
        for (auto& item : ef->items) rebase_scalar(item.is_map() ? item.find("path") : &item, dir);
    }
    if (Node* vols = service.find("volumes"); vols && vols->is_seq())
        for (auto& v : vols->items) rebase_volume(v, dir);
    if (Node* ext = service.find("extends"); ext && ext->is_map()) rebase_scalar(ext->find("file"), dir);
}

void rebase_tree_paths(Node& root, const std::filesystem::path& dir) {
    if (Node* services = root.find("services"); services && services->is_map())
        for (auto& e : services->entries) rebase_service_paths(e.value, dir);
    for (const char* kind : {"secrets", "configs"}) {
        Node* top = root.find(kind);
        if (!top || !top->is_map()) continue;
        for (auto& e : top->entries)
            if (e.value.is_map()) rebase_scalar(e.value.find("file"), dir);
    }
}

}  // namespace stk::load
