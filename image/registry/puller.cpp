#include "image/registry/puller.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "image/platform.hpp"
#include "image/registry/registry_client.hpp"
#include "image/store/file_lock.hpp"
#include "image/store/streamed_layer.hpp"
#include "image/store/store_layout.hpp"

namespace stk::image::registry {
namespace {

constexpr std::size_t kMaxConfigBytes = 16 * 1024 * 1024;

std::string available_platforms(const ImageIndex& index) {
    std::string out;
    for (const auto& m : index.manifests)
        if (m.platform) out += (out.empty() ? "" : ", ") + platform_string(*m.platform);
    return out.empty() ? "none" : out;
}

// The image manifest for this platform: `top` itself, or the entry of the index it is.
FetchedManifest platform_manifest(RegistryClient& client, const FetchedManifest& top,
                                  const Platform& platform) {
    if (is_manifest_media_type(top.media_type)) return top;
    if (!is_index_media_type(top.media_type))
        throw Error(fmt::format("manifest {}: unsupported media type \"{}\"", top.digest.str(),
                                top.media_type));
    ImageIndex index = parse_index(top.body);
    auto entry = select_platform(index.manifests, platform);
    if (!entry)
        throw Error(fmt::format("no image for {} in the index {} (it has: {})",
                                platform_string(platform), top.digest.str(),
                                available_platforms(index)));
    FetchedManifest m = client.get_manifest(entry->digest.str());
    if (!is_manifest_media_type(m.media_type))
        throw Error(fmt::format("index entry {} for {} is a \"{}\", not an image manifest",
                                entry->digest.str(), platform_string(platform), m.media_type));
    return m;
}

std::string fetch_config(RegistryClient& client, const Descriptor& d) {
    return with_retries(client.retry_policy(), [&] {
        std::string body;
        client.get_blob(d.digest, [&](std::string_view chunk) {
            if (body.size() + chunk.size() > kMaxConfigBytes)
                throw Error(fmt::format("config {} is larger than {} bytes", d.digest.str(),
                                        kMaxConfigBytes));
            body.append(chunk);
        });
        if (Digest got = Digest::of(body); got != d.digest)
            throw Error(fmt::format("digest mismatch: config {} arrived with digest {}; refused",
                                    d.digest.str(), got.str()));
        return body;
    });
}

struct LayerJob {
    Descriptor blob;
    Digest diff_id;
};

class LayerFetcher {
public:
    LayerFetcher(const ImageStore& store, PullProgress& progress)
        : store_(store), progress_(progress) {}

    void fetch(RegistryClient& client, const LayerJob& job) {
        std::string id = job.blob.digest.short_hex();
        // The same content may be unpacked from another blob (a build's layer, another
        // compression): the manifest still needs this blob in the store.
        if (store_.layer_root(job.diff_id) && store_.has_blob(job.blob.digest)) {
            progress_.layer(id, LayerState::Exists, job.blob.size);
            return;
        }
        if (job.blob.media_type == media_type::kDockerForeignLayerGzip)
            throw Error(fmt::format("layer {}: foreign layers are not pulled", job.blob.digest.str()));
        if (!store_.has_blob(job.blob.digest)) {
            // One download per blob across threads and processes; the loser finds it stored.
            UniqueFd lock = lock_file(
                layout::locks(store_.root()) / ("blob-" + job.blob.digest.hex() + ".lock"),
                LockMode::Exclusive);
            if (!store_.has_blob(job.blob.digest)) download(client, job, id);
        }
        progress_.layer(id, LayerState::Extracting, job.blob.size);
        store_.ensure_layer(job.blob, job.diff_id);
        progress_.layer(id, LayerState::Done, job.blob.size);
    }

private:
    // Bytes that arrived before a cut connection (in this run or an earlier one) are kept and
    // the rest asked for with a Range request; a registry ignoring Range sends it all again.
    // Bytes kept from an earlier run that do not verify get one fresh download.
    void download(RegistryClient& client, const LayerJob& job, const std::string& id) {
        for (int attempt = 0;; ++attempt) {
            BlobWriter writer = store_.resumable_blob_writer(job.blob.digest, job.blob.size);
            bool kept_from_before = writer.written() > 0;
            try {
                fetch_into(client, job, id, writer);
                return;
            } catch (const Error& e) {
                if (!kept_from_before || attempt > 0 || e.message().rfind("digest mismatch", 0) != 0) throw;
            }
        }
    }

    // A download from byte 0 unpacks as it goes (the layer is published only once the blob
    // verified); one that resumes, or is retried, unpacks after it, from the stored blob.
    void fetch_into(RegistryClient& client, const LayerJob& job, const std::string& id, BlobWriter& writer) {
        std::unique_ptr<StreamedLayer> unpack;
        if (writer.written() == 0) unpack = store_.stream_layer(job.blob, job.diff_id);
        bool first_try = true;
        with_retries(client.retry_policy(), [&] {
            if (!first_try) unpack.reset();
            first_try = false;
            progress_.layer(id, LayerState::Downloading, job.blob.size);
            if (writer.written() < static_cast<uint64_t>(job.blob.size))
                client.get_blob(
                    job.blob.digest,
                    [&](std::string_view chunk) {
                        writer.write(chunk);
                        if (unpack) unpack->feed(chunk);
                        progress_.bytes(id, static_cast<int64_t>(writer.written()));
                    },
                    writer.written(), [&](uint64_t start) {
                        if (start == 0 && writer.written() > 0) writer.restart();
                    });
        });
        progress_.layer(id, LayerState::Verifying, job.blob.size);
        try {
            writer.commit();
        } catch (const Error& e) {
            throw Error("digest mismatch: " + e.message(), e.code());
        }
        if (unpack) {
            progress_.layer(id, LayerState::Extracting, job.blob.size);
            unpack->finish();
        }
    }

    const ImageStore& store_;
    PullProgress& progress_;
};

// Runs the jobs on up to `parallel` threads, each with its own connection; the first error
// stops the others from starting new jobs and is rethrown once all have finished.
void fetch_layers(RegistryClient& client, const std::vector<LayerJob>& jobs, int parallel,
                  LayerFetcher& fetcher) {
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex error_mu;
    auto work = [&](RegistryClient& c) {
        for (std::size_t i; !failed && (i = next++) < jobs.size();) {
            try {
                fetcher.fetch(c, jobs[i]);
            } catch (...) {
                std::lock_guard lock(error_mu);
                if (!error) error = std::current_exception();
                failed = true;
            }
        }
    };
    std::size_t n = std::min<std::size_t>(std::max(parallel, 1), jobs.size());
    std::vector<RegistryClient> clients;
    for (std::size_t t = 1; t < n; ++t) clients.push_back(client.fork());
    std::vector<std::thread> threads;
    for (auto& c : clients) threads.emplace_back(work, std::ref(c));
    work(client);
    for (auto& t : threads) t.join();
    if (error) std::rethrow_exception(error);
}

}  // namespace

Puller::Puller(ImageStore store, RegistrySettings settings, PullProgress& progress)
    : store_(std::move(store)), settings_(std::move(settings)), progress_(progress) {}

ImageRecord Puller::pull(const Reference& ref, const PullOptions& options) {
    std::string frame = fmt::format("pull {} from registry {}", ref.familiar(), ref.domain);
    try {
        StoreLease lease = store_.lease();
        RegistryClient client(ref.domain, ref.path, settings_, options.retry);
        progress_.image(ref.familiar());
        FetchedManifest top = client.get_manifest(ref.digest.empty() ? ref.tag : ref.digest.str());
        FetchedManifest image =
            platform_manifest(client, top, options.platform.value_or(host_platform()));
        Manifest manifest = parse_manifest(image.body);
        std::string config_json = fetch_config(client, manifest.config);
        OciImageConfig config = parse_image_config(config_json);
        if (config.diff_ids.size() != manifest.layers.size())
            throw Error(fmt::format("manifest {} has {} layers, its config's rootfs.diff_ids {}",
                                    image.digest.str(), manifest.layers.size(),
                                    config.diff_ids.size()));
        std::vector<LayerJob> jobs;
        for (std::size_t i = 0; i < manifest.layers.size(); ++i) {
            jobs.push_back({manifest.layers[i], Digest::parse(config.diff_ids[i])});
            progress_.layer(manifest.layers[i].digest.short_hex(), LayerState::Waiting,
                            manifest.layers[i].size);
        }
        LayerFetcher fetcher(store_, progress_);
        fetch_layers(client, jobs, options.parallel_layers, fetcher);
        ImageRecord record = store_.put_image(ref, image.body, config_json);
        if (top.digest != image.digest) store_.tag(ref.with_digest(top.digest), image.digest);
        progress_.message(fmt::format("{}: digest {}", ref.familiar(), top.digest.str()));
        return record;
    } catch (const TransportError& e) {
        throw Error(fmt::format("{}: registry unreachable: {}", frame, e.message()), e.code());
    } catch (const Error& e) {
        throw e.wrapped(frame);
    } catch (const std::exception& e) {
        throw Error(fmt::format("{}: {}", frame, e.what()));
    }
}

}  // namespace stk::image::registry
