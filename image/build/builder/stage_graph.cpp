#include "image/build/builder/stage_graph.hpp"

#include "image/platform.hpp"

#include <algorithm>
#include <regex>
#include <set>

#include <fmt/format.h>

namespace stk::build {

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string expand_at(const Instruction& at, const std::string& word, const VarMap& vars,
                      char escape) {
    return at_line(at, [&] { return expand_word(word, vars, escape); });
}

}  // namespace

VarMap platform_args() {
    image::Platform p = image::host_platform();
    std::string platform = image::platform_string(p);
    return {{"BUILDPLATFORM", platform},  {"BUILDOS", p.os},      {"BUILDARCH", p.architecture},
            {"BUILDVARIANT", p.variant},  {"TARGETPLATFORM", platform}, {"TARGETOS", p.os},
            {"TARGETARCH", p.architecture}, {"TARGETVARIANT", p.variant}};
}

std::optional<size_t> StageGraph::find(const std::string& ref, size_t before) const {
    std::string l = lower(ref);
    for (size_t i = 0; i < before && i < stages.size(); ++i)
        if (!stages[i].name.empty() && stages[i].name == l) return i;
    if (!l.empty() && std::all_of(l.begin(), l.end(), ::isdigit)) {
        size_t n = std::stoul(l);
        if (n < before) return n;
    }
    return std::nullopt;
}

StageGraph plan_stages(const Dockerfile& df, const std::map<std::string, std::string>& build_args,
                       const std::string& target) {
    static const std::regex stage_name(R"([a-z][a-z0-9\-_.]*)");
    StageGraph g;
    g.meta_args = platform_args();
    Stage* current = nullptr;
    for (const auto& ins : df.instructions) {
        if (ins.keyword == "FROM") {
            Stage s;
            s.index = g.stages.size();
            s.from = &ins;
            if (ins.args.size() != 1 && !(ins.args.size() == 3 && lower(ins.args[1]) == "as"))
                throw DockerfileError(ins, "FROM requires one image, optionally followed by AS name");
            s.base = expand_at(ins, ins.args[0], g.meta_args, df.escape);
            if (s.base.empty()) throw DockerfileError(ins, "FROM: the base image name is empty");
            if (ins.args.size() == 3) {
                s.name = lower(expand_at(ins, ins.args[2], g.meta_args, df.escape));
                if (!std::regex_match(s.name, stage_name))
                    throw DockerfileError(ins, fmt::format("invalid stage name \"{}\"", s.name));
                if (g.find(s.name, g.stages.size()))
                    throw DockerfileError(ins, fmt::format("duplicate stage name \"{}\"", s.name));
            }
            if (auto dep = g.find(s.base, g.stages.size())) s.deps.push_back(*dep);
            g.stages.push_back(std::move(s));
            current = &g.stages.back();
            continue;
        }
        if (!current) {
            if (ins.keyword != "ARG")
                throw DockerfileError(ins, fmt::format("{} before the first FROM: no build stage in "
                                                       "current context",
                                                       ins.keyword));
            for (const auto& word : ins.args) {
                auto eq = word.find('=');
                std::string name = word.substr(0, eq);
                g.meta_arg_names.push_back(name);
                if (auto it = build_args.find(name); it != build_args.end())
                    g.meta_args[name] = it->second;
                else if (eq != std::string::npos)
                    g.meta_args[name] = expand_at(ins, word.substr(eq + 1), g.meta_args, df.escape);
                else
                    g.meta_args.emplace(name, "");
            }
            continue;
        }
        current->body.push_back(&ins);
        if (ins.keyword == "COPY")
            if (auto from = ins.flag("from")) {
                std::string ref = expand_at(ins, *from, g.meta_args, df.escape);
                if (auto dep = g.find(ref, current->index)) current->deps.push_back(*dep);
                else if (ref == current->name || lower(ref) == std::to_string(current->index))
                    throw DockerfileError(ins, "COPY --from cannot name its own stage");
            }
    }
    if (g.stages.empty())
        throw DockerfileError(df.file, 1, "the Dockerfile has no FROM instruction");
    if (target.empty()) {
        g.target = g.stages.size() - 1;
    } else {
        auto t = g.find(target, g.stages.size());
        if (!t) throw Error(fmt::format("target stage \"{}\" could not be found in {}", target, df.file));
        g.target = *t;
    }
    std::set<size_t> need{g.target};
    for (size_t i = g.target + 1; i-- > 0;)
        if (need.count(i))
            for (size_t d : g.stages[i].deps) need.insert(d);
    g.needed.assign(need.begin(), need.end());
    return g;
}

}  // namespace stk::build
