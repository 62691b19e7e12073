#include "orchestrator/load/normalize.hpp"

#include "orchestrator/load/dotenv.hpp"

namespace stk::load {
namespace {

namespace fs = std::filesystem;

bool is_remote_context(const std::string& s) {
    return s.find("://") != std::string::npos || s.rfind("git@", 0) == 0 ||
           s.rfind("github.com/", 0) == 0;
}

Location where(const DecodeContext& ctx, const std::string& path) {
    auto it = ctx.locations.find(path);
    return it == ctx.locations.end() ? Location{} : it->second;
}

void read_env_files(model::Service& s, const NormalizeOptions& opt, DecodeContext& ctx) {
    if (s.env_file.empty()) return;
    std::string base = "services." + s.name + ".env_file";
    model::OptionalStringMap from_files;
    for (size_t i = 0; i < s.env_file.size(); ++i) {
        const auto& ef = s.env_file[i];
        std::string path = absolute_path(ef.path, opt.project_dir, opt.environment);
        if (opt.files_named) opt.files_named->push_back(path);
        std::error_code ec;
        if (!fs::exists(path, ec)) {
            if (ef.required) {
                std::string p = s.env_file.size() == 1 && where(ctx, base + "[0]").file == nullptr
                                    ? base
                                    : base + "[" + std::to_string(i) + "]";
                Location loc = where(ctx, p);
                if (!loc.known()) loc = where(ctx, base);
                ctx.diags.error(loc, p, "env file " + path + " not found",
                                "create it, fix the path or mark it required: false");
            }
            continue;
        }
        Diagnostics file_diags;
        Environment values = read_env_file(path, opt.environment, file_diags);
        for (const auto& d : file_diags.errors()) ctx.diags.error(d.loc, d.path, d.message, d.hint);
        for (auto& [k, v] : values) from_files[k] = v;
    }
    // `environment` wins, even with an empty value; a bare KEY the environment cannot resolve
    // keeps the file's value.
    for (auto& [k, v] : from_files) {
        auto it = s.environment.find(k);
        if (it == s.environment.end() || (!it->second && !opt.environment.count(k)))
            s.environment[k] = v;
    }
    s.env_file.clear();
}

void read_label_files(model::Service& s, const NormalizeOptions& opt, DecodeContext& ctx) {
    if (s.label_file.empty()) return;
    model::StringMap from_files;
    for (const auto& lf : s.label_file) {
        std::string path = absolute_path(lf, opt.project_dir, opt.environment);
        if (opt.files_named) opt.files_named->push_back(path);
        Diagnostics file_diags;
        Environment values = read_env_file(path, {}, file_diags);
        for (const auto& d : file_diags.errors()) {
            Location loc = d.loc.known() ? d.loc : where(ctx, "services." + s.name + ".label_file");
            ctx.diags.error(loc, "services." + s.name + ".label_file", d.message, d.hint);
        }
        for (auto& [k, v] : values) from_files[k] = v;
    }
    for (auto& [k, v] : from_files) s.labels.emplace(k, v);
    s.label_file.clear();
}

void normalize_service(model::Service& s, const model::Project& p, const NormalizeOptions& opt,
                       DecodeContext& ctx) {
    if (s.build) {
        if (s.build->context.empty()) s.build->context = ".";
        if (!is_remote_context(s.build->context))
            s.build->context = absolute_path(s.build->context, opt.project_dir, opt.environment);
        if (s.build->dockerfile.empty() && s.build->dockerfile_inline.empty())
            s.build->dockerfile = "Dockerfile";
        for (auto& [k, v] : s.build->args)
            if (!v) {
                auto it = opt.environment.find(k);
                if (it != opt.environment.end()) v = it->second;
            }
    }
    for (auto& v : s.volumes) {
        if (v.type == "bind") {
            v.source = absolute_path(v.source, opt.project_dir, opt.environment);
            if (!v.bind) v.bind = model::BindOptions{};
        }
    }
    read_env_files(s, opt, ctx);
    // A bare KEY takes its value from the environment, and goes away when it has none.
    for (auto it = s.environment.begin(); it != s.environment.end();) {
        if (!it->second) {
            auto e = opt.environment.find(it->first);
            if (e == opt.environment.end()) {
                it = s.environment.erase(it);
                continue;
            }
            it->second = e->second;
        }
        ++it;
    }
    read_label_files(s, opt, ctx);
    if (s.networks.empty() && s.network_mode.empty()) s.networks["default"] = {};
    if (s.restart.empty()) s.restart = "no";
    if (s.scale && s.deploy && s.deploy->replicas && *s.scale != *s.deploy->replicas) {
        std::string path = "services." + s.name + ".scale";
        ctx.diags.error(where(ctx, path), path,
                        "scale " + std::to_string(*s.scale) + " and deploy.replicas " +
                            std::to_string(*s.deploy->replicas) + " disagree",
                        "set only one of them");
    }
    (void)p;
}

void normalize_file_object(model::FileObject& f, const std::string& key,
                           const NormalizeOptions& opt, const std::string& project) {
    if (f.name.empty()) f.name = f.external ? key : project + "_" + key;
    if (!f.file.empty()) f.file = absolute_path(f.file, opt.project_dir, opt.environment);
}

}  // namespace

std::string absolute_path(const std::string& path, const fs::path& base, const Environment& env) {
    if (path.empty()) return path;
    std::string p = path;
    if (p == "~" || p.rfind("~/", 0) == 0) {
        auto home = env.find("HOME");
        std::string h = home != env.end() ? home->second : "";
        if (h.empty())
            if (const char* e = std::getenv("HOME")) h = e;
        p = h + p.substr(1);
    }
    fs::path fp(p);
    if (fp.is_relative()) fp = base / fp;
    std::string out = fp.lexically_normal().string();
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
}

void normalize_project(model::Project& project, const NormalizeOptions& options,
                       DecodeContext& ctx) {
    if (project.working_dir.empty()) project.working_dir = options.project_dir;
    bool uses_default = false;
    for (auto& s : project.services) {
        normalize_service(s, project, options, ctx);
        uses_default = uses_default || s.networks.count("default");
    }
    if (uses_default && !project.networks.count("default")) project.networks["default"] = {};
    for (auto& [key, net] : project.networks)
        if (net.name.empty()) net.name = net.external ? key : project.name + "_" + key;
    for (auto& [key, vol] : project.volumes)
        if (vol.name.empty()) vol.name = vol.external ? key : project.name + "_" + key;
    for (auto& [key, f] : project.secrets) normalize_file_object(f, key, options, project.name);
    for (auto& [key, f] : project.configs) normalize_file_object(f, key, options, project.name);
}

}  // namespace stk::load
