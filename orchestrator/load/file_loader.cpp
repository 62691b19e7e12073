#include "orchestrator/load/file_loader.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "orchestrator/load/extends.hpp"
#include "orchestrator/load/include.hpp"
#include "orchestrator/load/interpolate.hpp"
#include "orchestrator/load/resolve.hpp"

namespace stk::load {

void LoadContext::watch(const std::filesystem::path& p) {
    if (std::find(watched.begin(), watched.end(), p) == watched.end()) watched.push_back(p);
}

Node parse_stack_file(const std::filesystem::path& file, LoadContext& ctx, const Location& ref) {
    // `-f -` arrives as "<working dir>/-": the stack file is standard input.
    std::error_code ec_stdin;
    if (file.filename() == "-" && !std::filesystem::exists(file, ec_stdin)) {
        std::ostringstream ss;
        ss << std::cin.rdbuf();
        return parse_yaml(ss.str(), "-");
    }
    std::ifstream in(file, std::ios::binary);
    std::error_code ec;
    if (!in || std::filesystem::is_directory(file, ec))
        throw LoadError(Diagnostic{ref, "", "read stack file \"" + file.string() +
                                                "\": cannot open it",
                                   "check that the file exists and is readable"});
    std::ostringstream ss;
    ss << in.rdbuf();
    ctx.watch(file);
    return parse_yaml(ss.str(), file.string());
}

void finish_stack_file(Node& root, const Environment& env, LoadContext& ctx) {
    if (ctx.interpolate) {
        Diagnostics local;
        interpolate_tree(root, env, local, ctx.warned);
        for (const auto& w : local.warnings()) ctx.diags.warning(w.loc, w.path, w.message, w.hint);
        local.throw_if_errors();
    }
    if (const MapEntry* v = root.find_entry("version")) {
        ctx.diags.warning(v->key_loc, "version",
                          "the attribute `version` is obsolete, it will be ignored",
                          "remove it to avoid potential confusion");
        root.erase("version");
    }
}

Node read_stack_file(const std::filesystem::path& file, const Environment& env, LoadContext& ctx,
                     const Location& ref) {
    Node root = parse_stack_file(file, ctx, ref);
    finish_stack_file(root, env, ctx);
    return root;
}

void expand_stack_file(Node& root, const std::filesystem::path& file, const Environment& env,
                       LoadContext& ctx) {
    ctx.include_chain.push_back(file);
    apply_include(root, file, env, ctx);
    ctx.include_chain.pop_back();
    apply_extends(root, file, env, ctx);
}

Node load_stack_file(const std::filesystem::path& file, const Environment& env, LoadContext& ctx,
                     const Location& ref) {
    Node root = read_stack_file(file, env, ctx, ref);
    expand_stack_file(root, file, env, ctx);
    return root;
}

}  // namespace stk::load
