// `stack rmi [-f] IMAGE...` / `stack image rm`, `stack image prune`. An image that an existing
// container runs from is refused without -f (docker's rule); with -f its names go but its
// content stays until no container uses it.
#include <CLI/CLI.hpp>
#include <iostream>
#include <map>

#include "image/store/image_store.hpp"
#include "orchestrator/cli/commands.hpp"
#include "orchestrator/cli/image_commands.hpp"
#include "orchestrator/cli/output/table.hpp"
#include "orchestrator/engine/container_spec_builder.hpp"
#include "runtime/state/state_store.hpp"
#include "runtime/sys/error.hpp"

namespace stk::cli {
namespace {

struct RmiFlags {
    std::vector<std::string> images;
    bool force = false;
};

// Manifest digest -> the containers (any state) created from it.
std::map<image::Digest, std::vector<std::string>> image_users() {
    std::map<image::Digest, std::vector<std::string>> out;
    for (const auto& name : runtime::list_state_names()) {
        auto st = runtime::read_state(name);
        if (!st) continue;
        auto it = st->labels.find(engine::kImageManifestLabel);
        if (it != st->labels.end() && image::Digest::valid(it->second))
            out[image::Digest::parse(it->second)].push_back(name);
    }
    return out;
}

int run_rmi(const RmiFlags& f) {
    image::ImageStore store;
    auto all_users = image_users();
    std::set<image::Digest> in_use = images_in_use();
    int status = 0;
    for (const auto& text : f.images) {
        try {
            image::ImageRecord r = store.resolve(text);
            const auto& users = all_users[r.manifest_digest];
            if (!users.empty() && !f.force) {
                throw Error(fmt::format("image \"{}\" is used by container {}{}; stop and remove it first "
                                        "(`stack down`) or use -f to remove the name only",
                                        text, users.front(), users.size() > 1 ? fmt::format(" and {} more", users.size() - 1) : ""));
            }
            for (const auto& ref : store.remove(text, in_use)) std::cout << "Untagged: " << ref.familiar() << '\n';
            if (!store.has_blob(r.manifest_digest)) std::cout << "Deleted: " << r.config_digest.str() << '\n';
        } catch (const Error& e) {
            std::cerr << "stack: " << e.what() << '\n';
            status = 1;
        }
    }
    return status;
}

}  // namespace

std::set<image::Digest> images_in_use() {
    std::set<image::Digest> out;
    for (const auto& [digest, users] : image_users()) out.insert(digest);
    return out;
}

void add_image_remove(CLI::App& image, CLI::App& top, CommandContext& ctx) {
    auto flags = std::make_shared<RmiFlags>();
    CLI::App* rm = image.add_subcommand("rm", "Remove images (names; content no image uses goes too)");
    rm->alias("remove");
    for (CLI::App* cmd : {rm, top.add_subcommand("rmi", "Remove images (stack image rm)")}) {
        cmd->add_option("image", flags->images, "Image references or IDs")->required();
        cmd->add_flag("-f,--force", flags->force, "Remove the names even while containers use the image");
        cmd->callback([&ctx, flags] { ctx.exit_code = run_rmi(*flags); });
    }

    auto* prune = image.add_subcommand("prune", "Remove layers and blobs no image uses");
    auto unused = std::make_shared<bool>(false);
    prune->add_flag("-f,--force,-a,--all", *unused, "Accepted for docker compatibility (never asks)");
    prune->callback([&ctx] {
        auto report = image::ImageStore().prune(images_in_use());
        std::cout << fmt::format("Deleted {} layers and {} blobs\nTotal reclaimed space: {}\n",
                                 report.layers_removed.size(), report.blobs_removed.size(),
                                 output::human_size(report.bytes_freed));
        ctx.exit_code = 0;
    });
}

}  // namespace stk::cli
