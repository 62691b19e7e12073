#pragma once
// Unpacks a layer while its blob downloads: the bytes fed here go through a ByteChannel to an
// unpack thread writing into a temporary directory. Nothing is published until finish(), which
// the caller may call only after the blob's digest verified; dropped without finish() (a digest
// mismatch, a cut download), the thread is stopped and the directory removed. Holds the layer's
// lock (and a store lease) from construction to the end. Made by ImageStore::stream_layer().
#include <exception>
#include <filesystem>
#include <optional>
#include <string_view>
#include <thread>

#include "image/digest.hpp"
#include "image/store/manifest.hpp"
#include "image/store/store_lease.hpp"
#include "image/store/unpack_dir.hpp"
#include "image/unpack/byte_channel.hpp"
#include "runtime/sys/unique_fd.hpp"

namespace stk::image {

class StreamedLayer {
public:
    StreamedLayer(StoreLease lease, UniqueFd layer_lock, const std::filesystem::path& store_root,
                  Descriptor blob, Digest diff_id);
    ~StreamedLayer();
    StreamedLayer(const StreamedLayer&) = delete;
    StreamedLayer& operator=(const StreamedLayer&) = delete;

    // The next bytes of the blob, in order. Blocks while the unpack is far behind.
    void feed(std::string_view bytes) { channel_.push(bytes); }

    // Ends the stream, waits for the unpack, checks its diff id and publishes the layer;
    // returns its root/. Throws Error naming the layer for an unpack failure or another diff id.
    std::filesystem::path finish();

private:
    void run();

    StoreLease lease_;
    UniqueFd layer_lock_;
    Descriptor blob_;
    Digest diff_id_;
    UnpackDir dir_;
    ByteChannel channel_;
    std::optional<UnpackResult> result_;
    std::exception_ptr error_;
    std::thread thread_;  // last: started once everything it uses exists
};

}  // namespace stk::image
