// ImageStore: removing references and collecting what no image uses any more.
#include <set>

#include <nlohmann/json.hpp>

#include "image/store/file_lock.hpp"
#include "image/store/image_store.hpp"
#include "image/store/ref_index.hpp"
#include "image/store/store_layout.hpp"
#include "runtime/sys/error.hpp"

namespace stk::image {
namespace fs = std::filesystem;
namespace {

uint64_t tree_bytes(const fs::path& dir) {
    uint64_t total = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec))
        if (it->is_regular_file(ec) && !it->is_symlink(ec)) total += it->file_size(ec);
    return total;
}

}  // namespace

std::vector<Reference> ImageStore::remove(std::string_view text, const std::set<Digest>& keep) const {
    RefMap refs = read_refs(layout::refs(root_));
    std::set<std::string> keys;
    Digest target;
    std::optional<Reference> ref;
    try {
        ref = Reference::parse(text);
    } catch (const Error&) {
        // Not a reference: maybe an image ID.
    }
    std::string key = !ref ? "" : ref->digest.empty() ? ref->to_string() : ref->with_digest(ref->digest).to_string();
    if (ref && refs.count(key)) {
        keys.insert(key);
        target = refs.at(key);
    } else if (auto md = find_id(text)) {
        target = *md;
        for (const auto& [k, d] : refs)
            if (d == target) keys.insert(k);
    } else {
        throw Error(fmt::format("image \"{}\" is not in the local image store ({})", text, root_.string()));
    }
    std::vector<Reference> removed;
    bool gone = false;
    update_refs(layout::refs(root_), lock_path("refs"), [&](RefMap& current) {
        for (const auto& k : keys)
            if (current.erase(k)) removed.push_back(Reference::parse(k));
        // Without a tag left, the image's digest references go with it (docker's rmi).
        bool tagged = false;
        for (const auto& [k, d] : current) tagged = tagged || (d == target && k.find('@') == std::string::npos);
        if (!tagged) {
            for (auto it = current.begin(); it != current.end();) {
                if (it->second == target) {
                    removed.push_back(Reference::parse(it->first));
                    it = current.erase(it);
                } else {
                    ++it;
                }
            }
        }
        gone = !tagged;
        return !removed.empty();
    });
    if (gone) prune(keep);
    return removed;
}

PruneReport ImageStore::prune(const std::set<Digest>& keep) const {
    ensure_dirs();
    UniqueFd exclusive = lock_file(lock_path("gc"), LockMode::Exclusive);
    std::set<Digest> live = keep;
    for (const auto& [k, d] : read_refs(layout::refs(root_))) live.insert(d);
    std::set<std::string> blobs, layers;
    for (const auto& md : live) {
        if (!has_blob(md)) continue;
        blobs.insert(md.hex());
        try {
            Manifest m = parse_manifest(read_blob(md));
            blobs.insert(m.config.digest.hex());
            for (const auto& l : m.layers) blobs.insert(l.digest.hex());
            for (const auto& d : parse_image_config(read_blob(m.config.digest)).diff_ids)
                layers.insert(Digest::parse(d).hex());
        } catch (const Error&) {
            // Damaged: what could be read stays; nothing more is known to keep.
        }
    }
    PruneReport report;
    for (const auto& e : fs::directory_iterator(layout::blobs(root_))) {
        std::string name = e.path().filename().string();
        if (blobs.count(name)) continue;
        report.bytes_freed += e.is_regular_file() ? e.file_size() : 0;
        if (Digest::valid("sha256:" + name)) report.blobs_removed.push_back(Digest::from_hex(name));
        fs::remove_all(e.path());
    }
    for (const auto& e : fs::directory_iterator(layout::layers(root_))) {
        std::string name = e.path().filename().string();
        if (layers.count(name)) continue;
        report.bytes_freed += tree_bytes(e.path());
        if (Digest::valid("sha256:" + name)) report.layers_removed.push_back(Digest::from_hex(name));
        fs::remove_all(e.path());
        fs::remove(lock_path("layer-" + name));
    }
    // Exclusive: no writer or unpacker is running, so whatever is here was interrupted.
    for (const auto& e : fs::directory_iterator(layout::tmp(root_))) fs::remove_all(e.path());
    return report;
}

}  // namespace stk::image
