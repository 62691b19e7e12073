#include "image/store/oci_config.hpp"

#include "image/digest.hpp"
#include "image/store/json_fields.hpp"

namespace stk::image {
namespace {
using namespace json_fields;

std::optional<std::chrono::nanoseconds> nanos(const json& obj, const char* key, const std::string& where) {
    const json* v = member(obj, key);
    if (!v) return std::nullopt;
    if (!v->is_number_integer()) throw Error(fmt::format("{}.{}: expected nanoseconds (an integer)", where, key));
    int64_t n = v->get<int64_t>();
    if (n == 0) return std::nullopt;  // docker: 0 means "inherit"
    return std::chrono::nanoseconds(n);
}

std::optional<ImageHealthcheck> healthcheck_of(const json& c) {
    const json* h = member(c, "Healthcheck");
    if (!h) return std::nullopt;
    if (!h->is_object()) throw Error("config.Healthcheck: expected an object");
    const std::string where = "config.Healthcheck";
    ImageHealthcheck hc;
    hc.test = strings(*h, "Test", where);
    hc.interval = nanos(*h, "Interval", where);
    hc.timeout = nanos(*h, "Timeout", where);
    hc.start_period = nanos(*h, "StartPeriod", where);
    hc.start_interval = nanos(*h, "StartInterval", where);
    if (const json* r = member(*h, "Retries")) {
        if (!r->is_number_integer()) throw Error("config.Healthcheck.Retries: expected an integer");
        if (r->get<int>() != 0) hc.retries = r->get<int>();
    }
    return hc;
}

std::optional<std::vector<std::string>> optional_strings(const json& obj, const char* key,
                                                         const std::string& where) {
    if (!member(obj, key)) return std::nullopt;
    return strings(obj, key, where);
}

json set_of(const std::vector<std::string>& keys) {
    json o = json::object();
    for (const auto& k : keys) o[k] = json::object();
    return o;
}

}  // namespace

OciImageConfig parse_image_config(std::string_view text) {
    json j = parse_object(text, "image config");
    OciImageConfig c;
    c.architecture = string_or(j, "architecture", "image config", "");
    c.os = string_or(j, "os", "image config", "");
    c.variant = string_or(j, "variant", "image config");
    c.created = string_or(j, "created", "image config");
    c.author = string_or(j, "author", "image config");
    if (const json* cfg = member(j, "config")) {
        if (!cfg->is_object()) throw Error("image config: config: expected an object");
        const std::string w = "config";
        c.user = string_or(*cfg, "User", w);
        c.exposed_ports = object_keys(*cfg, "ExposedPorts", w);
        c.env = strings(*cfg, "Env", w);
        c.entrypoint = optional_strings(*cfg, "Entrypoint", w);
        c.cmd = optional_strings(*cfg, "Cmd", w);
        c.volumes = object_keys(*cfg, "Volumes", w);
        c.working_dir = string_or(*cfg, "WorkingDir", w);
        c.labels = string_map(*cfg, "Labels", w);
        c.stop_signal = string_or(*cfg, "StopSignal", w);
        c.healthcheck = healthcheck_of(*cfg);
        c.shell = strings(*cfg, "Shell", w);
        c.on_build = strings(*cfg, "OnBuild", w);
    }
    if (const json* rootfs = member(j, "rootfs")) {
        if (!rootfs->is_object()) throw Error("image config: rootfs: expected an object");
        c.diff_ids = strings(*rootfs, "diff_ids", "rootfs");
        for (const auto& d : c.diff_ids) Digest::parse(d);
    }
    if (const json* history = member(j, "history")) {
        if (!history->is_array()) throw Error("image config: history: expected a list");
        for (const auto& h : *history) {
            if (!h.is_object()) throw Error("image config: history: expected a list of objects");
            HistoryEntry e;
            e.created = string_or(h, "created", "history");
            e.created_by = string_or(h, "created_by", "history");
            e.author = string_or(h, "author", "history");
            e.comment = string_or(h, "comment", "history");
            if (const json* el = member(h, "empty_layer"); el && el->is_boolean()) e.empty_layer = el->get<bool>();
            c.history.push_back(std::move(e));
        }
    }
    return c;
}

std::string to_json(const OciImageConfig& c) {
    json j = json::object();
    j["architecture"] = c.architecture;
    j["os"] = c.os;
    if (!c.variant.empty()) j["variant"] = c.variant;
    if (!c.created.empty()) j["created"] = c.created;
    if (!c.author.empty()) j["author"] = c.author;
    json cfg = json::object();
    if (!c.user.empty()) cfg["User"] = c.user;
    if (!c.exposed_ports.empty()) cfg["ExposedPorts"] = set_of(c.exposed_ports);
    if (!c.env.empty()) cfg["Env"] = c.env;
    if (c.entrypoint) cfg["Entrypoint"] = *c.entrypoint;
    if (c.cmd) cfg["Cmd"] = *c.cmd;
    if (!c.volumes.empty()) cfg["Volumes"] = set_of(c.volumes);
    if (!c.working_dir.empty()) cfg["WorkingDir"] = c.working_dir;
    if (!c.labels.empty()) cfg["Labels"] = c.labels;
    if (!c.stop_signal.empty()) cfg["StopSignal"] = c.stop_signal;
    if (c.healthcheck) {
        const ImageHealthcheck& h = *c.healthcheck;
        json hj = json::object();
        hj["Test"] = h.test;
        if (h.interval) hj["Interval"] = h.interval->count();
        if (h.timeout) hj["Timeout"] = h.timeout->count();
        if (h.start_period) hj["StartPeriod"] = h.start_period->count();
        if (h.start_interval) hj["StartInterval"] = h.start_interval->count();
        if (h.retries) hj["Retries"] = *h.retries;
        cfg["Healthcheck"] = hj;
    }
    if (!c.shell.empty()) cfg["Shell"] = c.shell;
    if (!c.on_build.empty()) cfg["OnBuild"] = c.on_build;
    j["config"] = cfg;
    j["rootfs"] = {{"type", "layers"}, {"diff_ids", c.diff_ids}};
    if (!c.history.empty()) {
        json hs = json::array();
        for (const auto& h : c.history) {
            json e = json::object();
            if (!h.created.empty()) e["created"] = h.created;
            if (!h.created_by.empty()) e["created_by"] = h.created_by;
            if (!h.author.empty()) e["author"] = h.author;
            if (!h.comment.empty()) e["comment"] = h.comment;
            if (h.empty_layer) e["empty_layer"] = true;
            hs.push_back(e);
        }
        j["history"] = hs;
    }
    return j.dump();
}

}  // namespace stk::image
