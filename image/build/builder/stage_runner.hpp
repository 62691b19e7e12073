#pragma once
// One stage of a build, instruction by instruction, with the cache. Internal to the builder.
#include <atomic>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "image/build/builder/base_images.hpp"
#include "image/build/builder/build_request.hpp"
#include "image/build/builder/metadata_steps.hpp"
#include "image/build/builder/stage_graph.hpp"
#include "image/build/builder/step_cache.hpp"
#include "image/build/context/copy_plan.hpp"
#include "image/store/image_store.hpp"

namespace stk::build {

struct StageResult {
    ImageState state;
    std::string key;  // cache key after the last step
    std::vector<std::filesystem::path> layer_dirs;  // base first
    int steps = 0, cached = 0;
};

// What every stage of one build shares.
struct BuildShared {
    const image::ImageStore& store;
    const BuildRequest& request;
    BuildLog& log;
    const Dockerfile& dockerfile;
    const StageGraph& graph;
    StepCache cache;
    BaseImages& bases;
    std::unique_ptr<ContextTree> context;
    FileHashCache hashes;
    std::map<size_t, std::shared_future<StageResult>> stages;
    std::atomic<bool> failed{false};
};

StageResult run_stage(BuildShared& shared, const Stage& stage);

// The unpacked directories of an image state's layers (base first), from the store.
std::vector<std::filesystem::path> layer_dirs_of(const image::ImageStore& store, const ImageState& s);

}  // namespace stk::build
