#include "image/build/builder/builder.hpp"

#include <fmt/format.h>

#include "image/build/builder/stage_runner.hpp"
#include "image/store/manifest.hpp"
#include "runtime/process/timestamp.hpp"
#include "runtime/sys/file_util.hpp"

namespace stk::build {
namespace fs = std::filesystem;

namespace {

Dockerfile read_dockerfile(const BuildRequest& r) {
    if (!r.dockerfile_inline.empty()) return parse_dockerfile(r.dockerfile_inline, "Dockerfile");
    auto text = read_file_if_exists(r.dockerfile);
    if (!text) throw Error(fmt::format("cannot read the Dockerfile \"{}\"", r.dockerfile.string()));
    return parse_dockerfile(*text, r.dockerfile.filename().string());
}

// Runs every needed stage on its own thread; returns the target's result or rethrows the
// first real failure (not the "stopped: another stage failed" of the others).
StageResult run_stages(BuildShared& shared) {
    for (size_t i : shared.graph.needed) {
        const Stage& stage = shared.graph.stages[i];
        shared.stages[i] = std::async(std::launch::async, [&shared, &stage] {
                               try {
                                   return run_stage(shared, stage);
                               } catch (...) {
                                   shared.failed = true;
                                   throw;
                               }
                           }).share();
    }
    std::exception_ptr first;
    for (size_t i : shared.graph.needed) {
        try {
            shared.stages[i].get();
        } catch (const Error& e) {
            bool knock_on = e.message().find("stopped: another stage failed") != std::string::npos;
            if (!first && !knock_on) first = std::current_exception();
        } catch (...) {
            if (!first) first = std::current_exception();
        }
    }
    if (first) std::rethrow_exception(first);
    return shared.stages.at(shared.graph.target).get();
}

}  // namespace

BuildResult build_image(const image::ImageStore& store, const BuildRequest& request, BuildLog& log) {
    if (request.tags.empty()) throw Error("build: no image name to tag the result with");
    auto lease = store.lease();
    BuildRequest req = request;
    if (req.stack_binary.empty()) req.stack_binary = fs::read_symlink("/proc/self/exe");
    Dockerfile df = read_dockerfile(req);
    for (const auto& note : df.notes) log.note(note);
    StageGraph graph = plan_stages(df, req.build_args, req.target);
    BaseImages bases(store, log, req.pull);
    BuildShared shared{store, req, log, df, graph, StepCache(store), bases, nullptr, {}, {}, {}};
    shared.context = std::make_unique<ContextTree>(req.context, IgnoreMatcher::load(req.context));
    StageResult final_stage = run_stages(shared);

    image::OciImageConfig config = final_stage.state.config;
    for (const auto& [k, v] : req.labels) config.labels[k] = v;
    // The last step's time, so that an unchanged rebuild gives the very same image.
    config.created = config.history.empty() ? runtime::rfc3339_now() : config.history.back().created;
    std::string config_json = image::to_json(config);
    image::Manifest manifest;
    manifest.config.media_type = image::media_type::kOciConfig;
    manifest.config.digest = image::Digest::of(config_json);
    manifest.config.size = static_cast<int64_t>(config_json.size());
    manifest.layers = final_stage.state.layers;
    image::ImageRecord rec = store.put_image(req.tags.front(), image::to_json(manifest), config_json);
    for (size_t i = 1; i < req.tags.size(); ++i) store.tag(req.tags[i], rec.manifest_digest);

    BuildResult result;
    result.manifest_digest = rec.manifest_digest;
    result.config_digest = rec.config_digest;
    result.tags = req.tags;
    for (const auto& [i, f] : shared.stages) {
        result.steps += f.get().steps;
        result.cached += f.get().cached;
    }
    return result;
}

}  // namespace stk::build
