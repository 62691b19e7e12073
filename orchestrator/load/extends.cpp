#include "orchestrator/load/extends.hpp"

#include <map>
#include <utility>

#include "orchestrator/load/merge.hpp"
#include "orchestrator/load/rebase.hpp"

namespace stk::load {
namespace {

using Key = std::pair<std::string, std::string>;  // file, service

class ExtendsResolver {
public:
    ExtendsResolver(const Environment& env, LoadContext& ctx) : env_(env), ctx_(ctx) {}

    void run(Node& root, const std::filesystem::path& file) {
        files_[file.string()] = root;
        Node* services = root.find("services");
        if (!services || !services->is_map()) return;
        for (auto& e : services->entries) {
            if (!e.value.is_map() || !e.value.find("extends")) continue;
            e.value = resolve(file, e.key, e.key_loc);
        }
    }

private:
    [[noreturn]] static void fail(const Location& loc, const std::string& path,
                                  const std::string& msg, const std::string& hint = {}) {
        throw LoadError(Diagnostic{loc, path, msg, hint});
    }

    const Node& file_root(const std::filesystem::path& file, const Location& ref) {
        auto it = files_.find(file.string());
        if (it != files_.end()) return it->second;
        Node root = read_stack_file(file, env_, ctx_, ref);
        return files_.emplace(file.string(), std::move(root)).first->second;
    }

    Node resolve(const std::filesystem::path& file, const std::string& name, const Location& ref) {
        Key key{file.string(), name};
        if (auto it = done_.find(key); it != done_.end()) return it->second;
        for (size_t i = 0; i < chain_.size(); ++i) {
            if (chain_[i] != key) continue;
            std::string cycle;
            for (size_t j = i; j < chain_.size(); ++j) cycle += chain_[j].second + " -> ";
            fail(ref, "services." + name + ".extends", "extends cycle: " + cycle + name);
        }
        const Node& root = file_root(file, ref);
        const Node* services = root.find("services");
        const Node* svc = services ? services->find(name) : nullptr;
        if (!svc)
            fail(ref, "", "service \"" + name + "\" not found in " + file.string(),
                 "extends must name a service defined in that file");
        if (!svc->is_map()) return *svc;
        const MapEntry* ext = svc->find_entry("extends");
        if (!ext) return done_.emplace(key, *svc).first->second;

        std::string base_name;
        std::filesystem::path base_file = file;
        Location base_ref = ext->value.loc;
        if (ext->value.is_scalar()) {
            base_name = ext->value.scalar;
        } else if (ext->value.is_map()) {
            const Node* s = ext->value.find("service");
            if (!s || !s->is_scalar())
                fail(ext->value.loc, "services." + name + ".extends",
                     "extends needs a service name", "write extends: {service: NAME}");
            base_name = s->scalar;
            base_ref = s->loc;
            if (const Node* f = ext->value.find("file"); f && f->is_scalar()) {
                base_file = absolute_against(f->scalar, file.parent_path());
                if (!is_file(base_file))
                    fail(f->loc, "services." + name + ".extends.file",
                         "extended file \"" + base_file.string() + "\" not found");
            }
        } else {
            fail(ext->value.loc, "services." + name + ".extends",
                 std::string("extends must be a service name or a mapping, not ") +
                     kind_name(ext->value.kind));
        }

        Node own = *svc;
        own.erase("extends");
        chain_.push_back(key);
        Node base = resolve(base_file, base_name, base_ref);
        chain_.pop_back();
        if (base_file != file) rebase_service_paths(base, base_file.parent_path());
        apply_tags_alone(base);
        Node merged = merge_service(base, own, name);
        merged.loc = svc->loc;
        return done_.emplace(key, std::move(merged)).first->second;
    }

    const Environment& env_;
    LoadContext& ctx_;
    std::map<std::string, Node> files_;
    std::map<Key, Node> done_;
    std::vector<Key> chain_;
};

}  // namespace

void apply_extends(Node& root, const std::filesystem::path& file, const Environment& env,
                   LoadContext& ctx) {
    ExtendsResolver(env, ctx).run(root, file);
}

}  // namespace stk::load
