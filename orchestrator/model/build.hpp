#pragma once
// `build` (short form: the context).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/model/service_parts.hpp"
#include "orchestrator/model/types.hpp"

namespace stk::model {

struct Build {
    std::string context;  // absolute path after normalisation (or a URL)
    std::string dockerfile;
    std::string dockerfile_inline;
    OptionalStringMap args;
    std::vector<std::string> ssh;
    StringMap labels;
    std::vector<std::string> cache_from;
    std::vector<std::string> cache_to;
    bool no_cache = false;
    StringMap additional_contexts;
    std::string network;
    bool pull = false;
    std::string target;
    std::optional<Bytes> shm_size;
    std::map<std::string, std::vector<std::string>> extra_hosts;
    std::string isolation;
    bool privileged = false;
    std::vector<FileReference> secrets;
    std::vector<std::string> tags;
    std::map<std::string, Ulimit> ulimits;
    std::vector<std::string> platforms;
    std::vector<std::string> entitlements;
    Extensions extensions;
};

}  // namespace stk::model
