// `stack image import|load FILE [--tag T]`, `stack image save IMAGE... -o FILE` (also `stack
// save`), `stack image tag SOURCE TARGET`.
#include <CLI/CLI.hpp>
#include <iostream>

#include "image/archive/import_archive.hpp"
#include "image/archive/save_archive.hpp"
#include "orchestrator/cli/commands.hpp"
#include "orchestrator/cli/image_commands.hpp"
#include "runtime/sys/error.hpp"

namespace stk::cli {
namespace {

struct ImportFlags {
    std::string file;
    std::string tag;
    bool quiet = false;
};

struct SaveFlags {
    std::vector<std::string> images;
    std::string output;
};

int run_import(const ImportFlags& f) {
    image::ImportOptions o;
    if (!f.tag.empty()) o.tag = image::Reference::parse(f.tag);
    for (const auto& img : image::import_archive(image::ImageStore(), f.file, o)) {
        if (f.quiet) continue;
        for (const auto& r : img.references) std::cout << "Loaded image: " << r.familiar() << '\n';
        std::cout << "  ID " << img.config_digest.str() << "  digest " << img.manifest_digest.str() << '\n';
    }
    return 0;
}

}  // namespace

void add_image_transfer(CLI::App& image, CLI::App& top, CommandContext& ctx) {
    auto in = std::make_shared<ImportFlags>();
    auto* imp = image.add_subcommand("import", "Load images from a docker save or OCI layout archive");
    imp->alias("load");
    imp->add_option("file", in->file, "The archive (tar, optionally gzip/zstd compressed)");
    imp->add_option("-i,--input", in->file, "The archive (docker load's flag)");
    imp->add_option("-t,--tag", in->tag, "Name the (single) image of the archive instead of its own tags");
    imp->add_flag("-q,--quiet", in->quiet, "Print nothing");
    imp->callback([&ctx, in] {
        if (in->file.empty()) throw Error("image import: give the archive (FILE or -i FILE)");
        ctx.exit_code = run_import(*in);
    });

    auto out = std::make_shared<SaveFlags>();
    CLI::App* save = image.add_subcommand("save", "Write images to an archive docker, podman and OCI tools load");
    for (CLI::App* cmd : {save, top.add_subcommand("save", "Write images to an archive (stack image save)")}) {
        cmd->add_option("image", out->images, "Image references or IDs")->required();
        cmd->add_option("-o,--output", out->output, "The archive to write")->required();
        cmd->callback([&ctx, out] {
            image::save_archive(image::ImageStore(), out->images, out->output);
            ctx.exit_code = 0;
        });
    }

    auto names = std::make_shared<std::pair<std::string, std::string>>();
    auto* tag = image.add_subcommand("tag", "Give an image another name");
    tag->add_option("source", names->first, "Image reference or ID")->required();
    tag->add_option("target", names->second, "New name[:tag]")->required();
    tag->callback([&ctx, names] {
        image::ImageStore store;
        image::Reference target = image::Reference::parse(names->second);
        if (!target.digest.empty()) throw Error("image tag: the new name cannot carry a digest");
        store.tag(target, store.resolve(names->first).manifest_digest);
        ctx.exit_code = 0;
    });
}

}  // namespace stk::cli
