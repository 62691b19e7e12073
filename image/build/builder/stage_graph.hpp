#pragma once
// A Dockerfile cut into stages: the ARGs before the first FROM (meta args, usable in FROM),
// then one stage per FROM with its name and body. Decides which stages a target needs and
// in which order they may run (a stage only waits for the stages it uses).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "image/build/dockerfile/expand.hpp"
#include "image/build/dockerfile/parser.hpp"

namespace stk::build {

struct Stage {
    size_t index = 0;
    std::string name;          // lower case; "" when unnamed
    std::string base;          // FROM's image after expansion: a stage name, "scratch" or an image
    const Instruction* from = nullptr;
    std::vector<const Instruction*> body;
    std::vector<size_t> deps;  // stages used by FROM and COPY --from
    std::string label() const { return name.empty() ? "stage-" + std::to_string(index) : name; }
};

struct StageGraph {
    VarMap meta_args;  // values of the global ARGs (build args applied) and platform args
    std::vector<std::string> meta_arg_names;
    std::vector<Stage> stages;
    size_t target = 0;
    std::vector<size_t> needed;  // the target and what it uses, in file order

    // The stage a FROM or --from names (a name or a number), or nullopt for an image.
    std::optional<size_t> find(const std::string& ref, size_t before) const;
};

// Throws DockerfileError for an instruction before FROM other than ARG, a bad FROM, a duplicate
// stage name, and Error for an unknown target.
StageGraph plan_stages(const Dockerfile& df, const std::map<std::string, std::string>& build_args,
                       const std::string& target);

// BUILDPLATFORM, TARGETPLATFORM, TARGETOS, TARGETARCH, ... for this machine.
VarMap platform_args();

}  // namespace stk::build
