#include "tests/fuzz/loader_entry.hpp"

#include <cstdlib>
#include <set>

#include "orchestrator/graph/project_graph.hpp"
#include "orchestrator/load/decode.hpp"
#include "orchestrator/load/emit.hpp"
#include "orchestrator/load/interpolate.hpp"
#include "orchestrator/load/loader.hpp"
#include "orchestrator/load/merge.hpp"

namespace stk::fuzz {

void load_untrusted(std::string_view text) {
    using namespace stk::load;
    try {
        Diagnostics diags;
        Node root = parse_yaml(std::string(text), "fuzz.yaml");
        Environment env{{"A", "1"}, {"EMPTY", ""}, {"HOME", "/root"}};
        std::set<std::string> warned;
        interpolate_tree(root, env, diags, warned);
        diags.throw_if_errors();
        ResolvedTree tree;
        tree.root = merge_documents(root, root);
        tree.project_dir = "/tmp/stk-fuzz-project";
        tree.project_name = "fuzz";
        tree.environment = env;
        model::Project project = decode_project(tree, diags);
        auto graph = graph::build_project_graph(project);
        check_cycles(graph, tree.root, diags);
        diags.throw_if_errors();
        (void)to_yaml(project);
        (void)to_json(project).dump();
    } catch (const LoadError&) {
        // The expected answer to bad input.
    }
    // Any other exception escapes and libFuzzer reports it as a crash.
}

}  // namespace stk::fuzz
