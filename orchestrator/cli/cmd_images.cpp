// `stack images` / `stack image ls` and `stack image inspect`; registers every image command.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "image/store/image_store.hpp"
#include "orchestrator/cli/commands.hpp"
#include "orchestrator/cli/image_commands.hpp"
#include "orchestrator/cli/output/table.hpp"
#include "runtime/sys/error.hpp"

namespace stk::cli {
namespace {

struct ListFlags {
    bool quiet = false;
    bool digests = false;
    std::string format = "table";
    std::string repository;
};

struct Row {
    std::string repository, tag, id, digest, created;
    uint64_t size = 0;
};

std::vector<Row> rows_of(const std::vector<image::ImageSummary>& images, const std::string& filter) {
    std::optional<image::Reference> wanted;
    if (!filter.empty()) wanted = image::Reference::parse(filter);
    std::vector<Row> rows;
    for (const auto& img : images) {
        bool tagged = false;
        for (const auto& r : img.references) {
            if (r.tag.empty()) continue;
            tagged = true;
            if (wanted && (wanted->name() != r.name() || (filter.find(':') != std::string::npos && wanted->tag != r.tag)))
                continue;
            rows.push_back({r.familiar_name(), r.tag, img.config_digest.short_hex(), img.manifest_digest.str(),
                            img.created, img.size});
        }
        if (!tagged && !img.references.empty() && (!wanted || wanted->name() == img.references[0].name()))
            rows.push_back({img.references[0].familiar_name(), "<none>", img.config_digest.short_hex(),
                            img.manifest_digest.str(), img.created, img.size});
    }
    return rows;
}

int run_list(const ListFlags& f) {
    auto rows = rows_of(image::ImageStore().list(), f.repository);
    if (f.quiet) {
        std::set<std::string> seen;
        for (const auto& r : rows)
            if (seen.insert(r.id).second) std::cout << r.id << '\n';
    } else if (f.format == "json") {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& r : rows)
            out.push_back({{"Repository", r.repository}, {"Tag", r.tag}, {"ID", r.id}, {"Digest", r.digest},
                           {"CreatedAt", r.created}, {"Size", output::human_size(r.size)}, {"VirtualSize", r.size}});
        std::cout << out.dump() << '\n';
    } else {
        output::Table table({"REPOSITORY", "TAG", "IMAGE ID", "DIGEST", "CREATED", "SIZE"});
        for (const auto& r : rows)
            table.add_row({r.repository, r.tag, r.id, r.digest.substr(0, 7 + 12), r.created.substr(0, 10),
                           output::human_size(r.size)});
        std::cout << table.render();
    }
    return 0;
}

nlohmann::json inspect_json(const image::ImageRecord& r) {
    nlohmann::json tags = nlohmann::json::array(), digests = nlohmann::json::array();
    for (const auto& ref : r.references) (ref.tag.empty() ? digests : tags).push_back(ref.familiar());
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& d : r.config.diff_ids) layers.push_back(d);
    nlohmann::json dirs = nlohmann::json::array();
    for (const auto& d : r.layer_dirs) dirs.push_back(d.string());
    return {{"Id", r.config_digest.str()},
            {"RepoTags", tags},
            {"RepoDigests", digests},
            {"ManifestDigest", r.manifest_digest.str()},
            {"Created", r.config.created},
            {"Architecture", r.config.architecture},
            {"Os", r.config.os},
            {"Size", r.size},
            {"Config", nlohmann::json::parse(image::to_json(r.config))["config"]},
            {"RootFS", {{"Type", "layers"}, {"Layers", layers}}},
            {"LayerDirs", dirs}};
}

}  // namespace

void add_image_list(CLI::App& image, CLI::App& top, CommandContext& ctx) {
    auto flags = std::make_shared<ListFlags>();
    CLI::App* ls = image.add_subcommand("ls", "List the images in the local store");
    ls->alias("list");
    for (CLI::App* cmd : {ls, top.add_subcommand("images", "List the images in the local store")}) {
        cmd->add_option("repository", flags->repository, "Only this repository[:tag]");
        cmd->add_flag("-q,--quiet", flags->quiet, "Only the image IDs");
        cmd->add_option("--format", flags->format, "table or json")->check(CLI::IsMember({"table", "json"}));
        cmd->callback([&ctx, flags] { ctx.exit_code = run_list(*flags); });
    }
}

void add_image_inspect(CLI::App& image, CommandContext& ctx) {
    auto names = std::make_shared<std::vector<std::string>>();
    auto* cmd = image.add_subcommand("inspect", "Show images' configuration and layers as JSON");
    cmd->add_option("image", *names, "Image reference or ID")->required();
    cmd->callback([&ctx, names] {
        image::ImageStore store;
        nlohmann::json out = nlohmann::json::array();
        for (const auto& n : *names) out.push_back(inspect_json(store.resolve(n)));
        std::cout << out.dump(2) << '\n';
        ctx.exit_code = 0;
    });
}

void register_images(CLI::App& app, CommandContext& ctx) {
    auto* image = app.add_subcommand("image", "Manage images: ls, inspect, import, save, tag, rm, prune");
    image->require_subcommand(1);
    add_image_list(*image, app, ctx);
    add_image_inspect(*image, ctx);
    add_image_transfer(*image, app, ctx);
    add_image_remove(*image, app, ctx);
}

}  // namespace stk::cli
