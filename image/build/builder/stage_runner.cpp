#include "image/build/builder/stage_runner.hpp"

#include <sys/stat.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "image/build/builder/heredoc_sources.hpp"
#include "image/build/builder/run_step.hpp"
#include "image/build/dockerfile/run_mount.hpp"
#include "image/build/fs/apply_copy.hpp"
#include "image/build/fs/layer_diff.hpp"
#include "image/build/fs/layer_view.hpp"
#include "image/platform.hpp"
#include "runtime/process/timestamp.hpp"
#include "runtime/sys/paths.hpp"
#include "runtime/sys/scope_exit.hpp"

namespace stk::build {
namespace fs = std::filesystem;

std::vector<fs::path> layer_dirs_of(const image::ImageStore& store, const ImageState& s) {
    std::vector<fs::path> dirs;
    for (const auto& id : s.config.diff_ids) {
        auto root = store.layer_root(image::Digest::parse(id));
        if (!root) throw Error(fmt::format("layer {} is missing from the image store", id));
        dirs.push_back(*root);
    }
    return dirs;
}

namespace {

constexpr const char* kHistoryComment = "stack build";

std::vector<fs::path> top_first(const std::vector<fs::path>& base_first) {
    return {base_first.rbegin(), base_first.rend()};
}

std::string relative(const std::string& abs) {
    size_t i = 0;
    while (i < abs.size() && abs[i] == '/') ++i;
    return abs.substr(i);
}

class StageRunner {
public:
    StageRunner(BuildShared& sh, const Stage& st) : sh_(sh), st_(st) {
        total_ = static_cast<int>(st.body.size()) + 1;
        prefix_ = sh.request.name;
        if (st.index != sh.graph.target) prefix_ += " " + st.label();
        env_.escape = sh.dockerfile.escape;
        env_.meta_args = sh.graph.meta_args;
        env_.build_args = sh.request.build_args;
    }

    StageResult run() {
        from();
        for (const Instruction* ins : st_.body) {
            if (sh_.failed) throw Error(fmt::format("stage {} stopped: another stage failed", st_.label()));
            ++n_;
            if (is_metadata_instruction(ins->keyword)) metadata(*ins);
            else if (ins->keyword == "RUN") run_step(*ins);
            else copy_step(*ins);
        }
        return StageResult{state_, key_, dirs_, n_, cached_};
    }

private:
    void from() {
        const Instruction& ins = *st_.from;
        n_ = 1;
        std::string shown = "FROM " + st_.base;
        std::string alias = st_.name.empty() ? "" : " AS " + st_.name;
        if (st_.base == "scratch") {
            state_ = {};
            image::Platform host = image::host_platform();
            state_.config.architecture = host.architecture;
            state_.config.os = host.os;
            state_.config.variant = host.variant;
            state_.config.env = {std::string("PATH=") + kDefaultPath};
            key_ = StepCache::chain("", "FROM scratch");
        } else if (auto dep = sh_.graph.find(st_.base, st_.index)) {
            const StageResult& r = sh_.stages.at(*dep).get();
            state_ = r.state;
            dirs_ = r.layer_dirs;
            key_ = StepCache::chain(r.key, "FROM stage");
        } else {
            image::ImageRecord rec =
                at_line(ins, [&] { return sh_.bases.get(st_.base, platform(&ins)); });
            state_.config = rec.config;
            state_.layers = rec.manifest.layers;
            dirs_ = rec.layer_dirs;
            key_ = StepCache::chain("", "FROM " + rec.config_digest.str());
            shown += "@" + rec.manifest_digest.str();
        }
        shown += alias;
        // Docker does not carry the base image's creation time or labels' history into steps
        // it has not run; only the config's runtime defaults and history.
        sh_.log.step(prefix_, n_, total_, shown, false);
    }

    // FROM --platform, else the build's platform (the service's `platform:`), else this machine's.
    std::optional<image::Platform> platform(const Instruction* from) {
        std::string text = sh_.request.platform;
        if (auto flag = from ? from->flag("platform") : std::nullopt)
            text = expand_word(*flag, sh_.graph.meta_args, env_.escape);
        if (text.empty()) return std::nullopt;
        return image::parse_platform(text);
    }

    bool lookup(const std::string& key) {
        if (sh_.request.no_cache) return false;
        auto hit = sh_.cache.find(key);
        if (!hit) return false;
        state_ = std::move(*hit);
        dirs_ = layer_dirs_of(sh_.store, state_);
        key_ = key;
        ++cached_;
        return true;
    }

    void metadata(const Instruction& ins) {
        ImageState next = state_;
        std::string text = apply_metadata(ins, env_, next.config);
        std::string key = StepCache::chain(key_, text);
        if (lookup(key)) {
            sh_.log.step(prefix_, n_, total_, text, true);
            return;
        }
        sh_.log.step(prefix_, n_, total_, text, false);
        next.config.history.push_back({runtime::rfc3339_now(), text, "", kHistoryComment, true});
        commit(key, std::move(next));
    }

    void commit(const std::string& key, ImageState next) {
        state_ = std::move(next);
        key_ = key;
        sh_.cache.put(key, state_);
    }

    void add_layer(const fs::path& changes, const DiffFilter& filter, const std::string& text) {
        auto writer = sh_.store.blob_writer();
        LayerBlob blob = write_layer_diff(changes, writer, filter);
        image::Descriptor d;
        d.media_type = image::media_type::kOciLayer;
        d.digest = blob.digest;
        d.size = static_cast<int64_t>(blob.size);
        dirs_.push_back(sh_.store.ensure_layer(d, blob.digest));
        state_.layers.push_back(d);
        state_.config.diff_ids.push_back(blob.digest.str());
        state_.config.history.push_back({runtime::rfc3339_now(), text, "", kHistoryComment, false});
    }

    void run_step(const Instruction& ins) {
        std::vector<RunMount> mounts;
        for (const auto& [name, value] : ins.flags) {
            if (name == "mount") {
                mounts.push_back(at_line(ins, [&] { return parse_run_mount(value); }));
                continue;
            }
            if (!(name == "network" && (value == "none" || value == "default")))
                throw DockerfileError(ins, fmt::format("RUN --{}{} is not supported by stack build "
                                                       "(RUN steps have no network)",
                                                       name, value.empty() ? "" : "=" + value));
        }
        fs::path mount_work = run_root() / "build" / (build_container_name() + "-mounts");
        ScopeExit mount_cleanup([&] {
            std::error_code ec;
            fs::remove_all(mount_work, ec);
        });
        std::vector<std::string> volumes;
        std::string mounts_key;
        for (size_t k = 0; k < mounts.size(); ++k)
            volumes.push_back(at_line(ins, [&] {
                return mount_volume(mounts[k], mount_work / std::to_string(k), mounts_key);
            }));
        if (!ins.json && ins.rest.empty()) throw DockerfileError(ins, "RUN requires a command");
        std::vector<std::string> argv = ins.json ? ins.args : shell_argv(state_.config, ins.rest);
        std::string text = "RUN " + (ins.json ? nlohmann::json(ins.args).dump() : ins.rest);
        // ARG values reach the command's environment: part of the key.
        std::string key = StepCache::chain(key_, text + "\x1f" + fmt::format("{}", fmt::join(env_.run_env(state_.config), "\x1f")) + mounts_key);
        if (lookup(key)) {
            sh_.log.step(prefix_, n_, total_, text, true);
            return;
        }
        sh_.log.step(prefix_, n_, total_, text, false);
        RunStepSpec spec;
        spec.stack_binary = sh_.request.stack_binary;
        spec.container_name = build_container_name();
        spec.lower_dirs = top_first(dirs_);
        spec.argv = argv;
        spec.env = env_.run_env(state_.config);
        spec.cwd = effective_workdir(state_.config);
        spec.user = state_.config.user;
        spec.volumes = volumes;
        RunStep step(spec);
        RunStepResult r = step.run([&](const std::string& line) { sh_.log.output(prefix_, line); });
        if (r.exit_code != 0) {
            std::string tail;
            for (const auto& l : r.tail) tail += "\n    " + l;
            throw BuildFailed(fmt::format("{}: [{} {}/{}] {}: did not complete successfully: exit "
                                          "code {}{}",
                                          ins.location(), prefix_, n_, total_, text, r.exit_code,
                                          tail.empty() ? "" : "\n  last lines of output:" + tail),
                              r.exit_code);
        }
        LayerView below(top_first(dirs_));
        // Mount points the runtime made (/proc, /sys, /dev) are not part of the change.
        DiffFilter filter = [&](const std::string& rel, const struct stat& st) {
            if ((rel == "proc" || rel == "sys" || rel == "dev") && S_ISDIR(st.st_mode) &&
                !below.lookup(rel))
                return fs::is_empty(r.upper_dir / rel);
            return false;
        };
        add_layer(r.upper_dir, filter, text);
        step.remove();
        sh_.cache.put(key, state_);
        key_ = key;
    }

    // A RUN --mount as `stack container run -v SRC:DST[:ro]`. A cache mount is a directory under
    // the data root kept across builds; a bind mount is a copy of its source (the context minus
    // .dockerignore, or a stage) made in `work`, whose content hash joins the step's key.
    std::string mount_volume(const RunMount& m, const fs::path& work, std::string& key) {
        if (m.type == RunMount::Type::Cache) {
            std::string id = m.id.empty() ? m.target : m.id;
            fs::path dir = data_root() / "build-cache" / image::Digest::of(id).hex().substr(0, 32);
            fs::create_directories(dir);
            return dir.string() + ":" + m.target;
        }
        std::unique_ptr<SourceTree> owned;
        const SourceTree* tree = sh_.context.get();
        if (!m.from.empty()) {
            if (auto dep = sh_.graph.find(m.from, st_.index)) {
                owned = std::make_unique<LayerTree>(
                    LayerView(top_first(sh_.stages.at(*dep).get().layer_dirs)));
            } else {
                image::ImageRecord rec = sh_.bases.get(m.from, platform(nullptr));
                owned = std::make_unique<LayerTree>(LayerView(rec.lower_dirs()));
            }
            tree = owned.get();
        }
        std::string source = m.source.empty() ? "." : m.source;
        CopyPlan plan = plan_copy(*tree, {source}, "/", true, false);
        key += "\x1fmount " + m.target + " " + hash_copy_plan(plan, sh_.hashes);
        fs::create_directories(work);
        apply_copy(plan, work, LayerView(), CopyOwnership{.keep_source_owner = true}, false);
        std::string rel = fs::path(source).lexically_normal().relative_path().string();
        if (rel == ".") rel.clear();
        auto top = tree->lookup(rel);
        bool one_file = top && S_ISREG(top->st.st_mode) && plan.entries.size() == 1;
        fs::path src = one_file ? work / relative(plan.entries[0].dest) : work;
        return src.string() + ":" + m.target + ":ro";
    }

    void copy_step(const Instruction& ins) {
        const bool add = ins.keyword == "ADD";
        for (const auto& [name, value] : ins.flags)
            if (name != "from" && name != "chown" && name != "chmod" && name != "link")
                throw DockerfileError(ins, fmt::format("{} --{} is not supported by stack build",
                                                       ins.keyword, name));
        VarMap vars = env_.vars(state_.config);
        auto word = [&](const std::string& w) {
            return at_line(ins, [&] { return expand_word(w, vars, env_.escape); });
        };
        std::vector<std::string> words;
        for (const auto& a : ins.args) words.push_back(ins.json ? a : word(a));
        if (words.size() < 2)
            throw DockerfileError(ins, fmt::format("{} requires at least two arguments: source(s) "
                                                   "and destination",
                                                   ins.keyword));
        std::string dest = words.back();
        const std::string written_dest = dest;
        words.pop_back();
        if (dest.empty() || dest[0] != '/') {
            std::string wd = effective_workdir(state_.config);
            dest = (wd == "/" ? "/" : wd + "/") + (dest == "." ? "./" : dest);
        }
        LayerView image(top_first(dirs_));
        std::unique_ptr<SourceTree> owned;
        const SourceTree* tree = sh_.context.get();
        std::string source_key = "context";
        CopyOwnership own;
        if (auto from = ins.flag("from")) {
            std::string ref = word(*from);
            if (auto dep = sh_.graph.find(ref, st_.index)) {
                const StageResult& r = sh_.stages.at(*dep).get();
                owned = std::make_unique<LayerTree>(LayerView(top_first(r.layer_dirs)));
                source_key = "stage " + r.key;
            } else {
                image::ImageRecord rec =
                    at_line(ins, [&] { return sh_.bases.get(ref, platform(nullptr)); });
                owned = std::make_unique<LayerTree>(LayerView(rec.lower_dirs()));
                source_key = "image " + rec.config_digest.str();
            }
            tree = owned.get();
            own.keep_source_owner = true;
        }
        fs::path heredoc_dir;
        ScopeExit heredoc_cleanup([&] {
            if (!heredoc_dir.empty()) fs::remove_all(heredoc_dir);
        });
        const std::vector<std::string> shown_sources = words;
        if (!ins.heredocs.empty()) {
            heredoc_dir = run_root() / "build" / (build_container_name() + "-heredoc");
            owned = at_line(ins, [&] {
                return heredoc_sources(ins, words, vars, env_.escape, heredoc_dir);
            });
            tree = owned.get();
        }
        if (auto chown = ins.flag("chown"))
            own.chown = at_line(ins, [&] { return resolve_chown(word(*chown), image); });
        if (auto chmod = ins.flag("chmod")) own.chmod = at_line(ins, [&] { return parse_chmod(*chmod); });
        auto existing = image.lookup(relative(dest));
        bool existing_dir = existing && S_ISDIR(existing->st.st_mode);
        CopyPlan plan = at_line(ins, [&] { return plan_copy(*tree, words, dest, existing_dir, add); });
        std::string content = tree->is_context() ? hash_copy_plan(plan, sh_.hashes) : source_key;
        std::string text = fmt::format("{} {}{} {}", ins.keyword, flag_text(ins),
                                       fmt::join(shown_sources, " "), written_dest);
        std::string key = StepCache::chain(key_, text + "\x1f" + content);
        if (lookup(key)) {
            sh_.log.step(prefix_, n_, total_, text, true);
            return;
        }
        sh_.log.step(prefix_, n_, total_, text, false);
        fs::path work = run_root() / "build" / build_container_name();
        fs::path staging = work / "layer";
        fs::create_directories(staging);
        ScopeExit cleanup([&] { fs::remove_all(work); });
        at_line(ins, [&] {
            apply_copy(plan, staging, image, own, add);
            return 0;
        });
        add_layer(staging, {}, text);
        sh_.cache.put(key, state_);
        key_ = key;
    }

    static std::string flag_text(const Instruction& ins) {
        std::string out;
        for (const auto& [n, v] : ins.flags) out += fmt::format("--{}={} ", n, v);
        return out;
    }

    BuildShared& sh_;
    const Stage& st_;
    StageEnv env_;
    ImageState state_;
    std::string key_;
    std::vector<fs::path> dirs_;
    std::string prefix_;
    int n_ = 0, total_ = 0, cached_ = 0;
};

}  // namespace

StageResult run_stage(BuildShared& shared, const Stage& stage) {
    return StageRunner(shared, stage).run();
}

}  // namespace stk::build
