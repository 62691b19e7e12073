#pragma once
// `RUN --mount=...` options as BuildKit spells them (comma-separated key=value; bare `ro`, `rw`).
// stack build supports type=cache (a persistent directory kept across builds, keyed by id or
// target) and type=bind (read-only by default, from the context or a stage); other types are
// refused by name.
#include <string>
#include <string_view>

namespace stk::build {

struct RunMount {
    enum class Type { Bind, Cache };
    Type type = Type::Bind;
    std::string target;     // absolute path in the RUN container
    std::string source;     // bind: path in the context or the stage ("" = its root)
    std::string from;       // bind: a stage or image; "" = the context
    std::string id;         // cache: "" = the target
    bool read_only = true;  // bind default; cache mounts are writable
};

// Throws Error naming the bad key or value ("unsupported mount type \"secret\"").
RunMount parse_run_mount(std::string_view value);

}  // namespace stk::build
