#pragma once
// The image commands, one file each, under `stack image ...` with docker's top-level
// shortcuts (`stack images`, `stack rmi`): cmd_images.cpp registers them all.
#include <cstdint>
#include <set>
#include <string>

#include "image/digest.hpp"

namespace CLI {
class App;
}

namespace stk::cli {

struct CommandContext;

void add_image_list(CLI::App& image, CLI::App& top, CommandContext& ctx);      // ls, images
void add_image_inspect(CLI::App& image, CommandContext& ctx);                  // inspect
void add_image_transfer(CLI::App& image, CLI::App& top, CommandContext& ctx);  // import/load, save, tag
void add_image_remove(CLI::App& image, CLI::App& top, CommandContext& ctx);    // rm, rmi, prune

// Manifest digests of the images that existing containers on this machine run from.
std::set<image::Digest> images_in_use();

}  // namespace stk::cli
