#include "image/store/streamed_layer.hpp"

#include <fmt/format.h>

#include "runtime/sys/error.hpp"

namespace stk::image {

StreamedLayer::StreamedLayer(StoreLease lease, UniqueFd layer_lock, const std::filesystem::path& store_root,
                             Descriptor blob, Digest diff_id)
    : lease_(std::move(lease)),
      layer_lock_(std::move(layer_lock)),
      blob_(std::move(blob)),
      diff_id_(std::move(diff_id)),
      dir_(store_root, diff_id_),
      thread_([this] { run(); }) {}

StreamedLayer::~StreamedLayer() {
    if (!thread_.joinable()) return;
    channel_.abort();
    thread_.join();
}

void StreamedLayer::run() {
    std::string current;
    LayerSource source = [&]() -> std::string_view {
        current = channel_.pop();
        return current;
    };
    try {
        result_ = unpack_layer_stream(source, dir_.root(), blob_.digest.str());
    } catch (...) {
        error_ = std::current_exception();
        channel_.stop_reading();  // the download goes on to its digest check; nobody reads
    }
}

std::filesystem::path StreamedLayer::finish() {
    channel_.close();
    thread_.join();
    return with_context(fmt::format("layer {}", diff_id_.str()), [&] {
        if (error_) std::rethrow_exception(error_);
        return dir_.publish(blob_, diff_id_, *result_);
    });
}

}  // namespace stk::image
