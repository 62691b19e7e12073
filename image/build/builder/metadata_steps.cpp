#include "image/build/builder/metadata_steps.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "image/build/context/dockerignore.hpp"
#include "image/build/dockerfile/parser.hpp"

namespace stk::build {

namespace {

const std::set<std::string> kProxyArgs = {"HTTP_PROXY", "http_proxy",  "HTTPS_PROXY", "https_proxy",
                                          "FTP_PROXY",  "ftp_proxy",   "NO_PROXY",    "no_proxy",
                                          "ALL_PROXY",  "all_proxy"};

std::string trim(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    return s.substr(i);
}

// ENV and LABEL: "k=v k2='v 2'" or the legacy "k value with spaces".
std::vector<std::pair<std::string, std::string>> name_values(const Instruction& ins,
                                                             const VarMap& vars, char escape) {
    std::vector<std::pair<std::string, std::string>> out;
    auto words = split_words(ins.rest, escape);
    if (words.empty()) throw DockerfileError(ins, fmt::format("{} requires at least one argument", ins.keyword));
    if (words[0].find('=') == std::string::npos) {
        if (words.size() < 2)
            throw DockerfileError(ins, fmt::format("{} {} needs a value (use {}=VALUE)", ins.keyword,
                                                   words[0], words[0]));
        std::string value = trim(ins.rest.substr(ins.rest.find(words[0]) + words[0].size()));
        out.emplace_back(expand_word(words[0], vars, escape), expand_word(value, vars, escape));
        return out;
    }
    for (const auto& w : words) {
        auto eq = w.find('=');
        if (eq == std::string::npos || eq == 0)
            throw DockerfileError(ins, fmt::format("{}: \"{}\" is not KEY=VALUE", ins.keyword, w));
        std::string key = expand_word(w.substr(0, eq), vars, escape);
        out.emplace_back(key, expand_word(w.substr(eq + 1), vars, escape));
    }
    return out;
}

std::string quote_if_needed(const std::string& v) {
    if (!v.empty() && v.find_first_of(" \t\"'\\$") == std::string::npos) return v;
    return nlohmann::json(v).dump();
}

std::vector<std::string> exec_or_shell(const Instruction& ins, const image::OciImageConfig& config) {
    if (ins.json) return ins.args;
    return shell_argv(config, ins.rest);
}

std::string history_form(const Instruction& ins) {
    return ins.json ? nlohmann::json(ins.args).dump() : ins.rest;
}

void add_unique(std::vector<std::string>& list, const std::string& item) {
    if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

std::vector<std::string> expose_ports(const std::string& word) {
    std::string port = word, proto = "tcp";
    if (auto slash = word.find('/'); slash != std::string::npos) {
        port = word.substr(0, slash);
        proto = word.substr(slash + 1);
        for (auto& c : proto) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (proto != "tcp" && proto != "udp" && proto != "sctp")
        throw Error(fmt::format("invalid protocol in \"{}\" (tcp, udp or sctp)", word));
    auto dash = port.find('-');
    auto num = [&](const std::string& s) {
        if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || std::stoul(s) > 65535)
            throw Error(fmt::format("invalid port \"{}\"", word));
        return std::stoul(s);
    };
    unsigned long lo = num(port.substr(0, dash));
    unsigned long hi = dash == std::string::npos ? lo : num(port.substr(dash + 1));
    if (hi < lo) throw Error(fmt::format("invalid port range \"{}\"", word));
    std::vector<std::string> out;
    for (auto p = lo; p <= hi; ++p) out.push_back(fmt::format("{}/{}", p, proto));
    return out;
}

std::string apply_healthcheck(const Instruction& ins, image::OciImageConfig& config) {
    auto words = split_words(ins.rest, '\\');
    if (words.empty()) throw DockerfileError(ins, "HEALTHCHECK requires NONE or CMD");
    std::string kind = words[0];
    for (auto& c : kind) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (kind == "NONE") {
        if (words.size() != 1 || !ins.flags.empty())
            throw DockerfileError(ins, "HEALTHCHECK NONE takes no arguments or flags");
        config.healthcheck = image::ImageHealthcheck{{"NONE"}, {}, {}, {}, {}, {}};
        return "HEALTHCHECK NONE";
    }
    if (kind != "CMD") throw DockerfileError(ins, fmt::format("HEALTHCHECK: unknown type \"{}\" (CMD or NONE)", words[0]));
    std::string command = trim(ins.rest.substr(ins.rest.find(words[0]) + words[0].size()));
    if (command.empty()) throw DockerfileError(ins, "HEALTHCHECK CMD needs a command");
    image::ImageHealthcheck hc;
    auto arr = nlohmann::json::parse(command, nullptr, false);
    if (!arr.is_discarded() && arr.is_array() && !arr.empty() &&
        std::all_of(arr.begin(), arr.end(), [](const auto& e) { return e.is_string(); })) {
        hc.test = {"CMD"};
        for (const auto& e : arr) hc.test.push_back(e.get<std::string>());
    } else {
        hc.test = {"CMD-SHELL", command};
    }
    for (const auto& [name, value] : ins.flags) {
        if (name == "retries") {
            if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos)
                throw DockerfileError(ins, fmt::format("HEALTHCHECK --retries=\"{}\" is not a number", value));
            hc.retries = std::stoi(value);
            continue;
        }
        auto d = at_line(ins, [&] { return parse_go_duration(value); });
        if (name == "interval") hc.interval = d;
        else if (name == "timeout") hc.timeout = d;
        else if (name == "start-period") hc.start_period = d;
        else if (name == "start-interval") hc.start_interval = d;
    }
    config.healthcheck = hc;
    std::string flags;
    for (const auto& [n, v] : ins.flags) flags += fmt::format("--{}={} ", n, v);
    return "HEALTHCHECK " + flags + "CMD " + command;
}

}  // namespace

VarMap StageEnv::vars(const image::OciImageConfig& config) const {
    VarMap v = args;
    for (const auto& kv : config.env) {
        auto eq = kv.find('=');
        v[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
    }
    return v;
}

std::vector<std::string> StageEnv::run_env(const image::OciImageConfig& config) const {
    std::vector<std::string> env = config.env;
    std::set<std::string> have;
    for (const auto& kv : env) have.insert(kv.substr(0, kv.find('=')));
    for (const auto& [k, v] : args)
        if (!have.count(k)) env.push_back(k + "=" + v);
    for (const auto& [k, v] : build_args)
        if (kProxyArgs.count(k) && !have.count(k) && !args.count(k)) env.push_back(k + "=" + v);
    if (!have.count("PATH")) env.push_back(std::string("PATH=") + kDefaultPath);
    return env;
}

bool is_metadata_instruction(const std::string& k) {
    return k != "FROM" && k != "RUN" && k != "COPY" && k != "ADD";
}

std::string effective_workdir(const image::OciImageConfig& config) {
    return config.working_dir.empty() ? "/" : config.working_dir;
}

std::vector<std::string> shell_argv(const image::OciImageConfig& config, const std::string& command) {
    std::vector<std::string> argv = config.shell.empty()
                                        ? std::vector<std::string>{"/bin/sh", "-c"}
                                        : config.shell;
    argv.push_back(command);
    return argv;
}

void set_env(std::vector<std::string>& env, const std::string& key, const std::string& value) {
    for (auto& kv : env)
        if (kv.substr(0, kv.find('=')) == key) {
            kv = key + "=" + value;
            return;
        }
    env.push_back(key + "=" + value);
}

std::chrono::nanoseconds parse_go_duration(const std::string& text) {
    static const std::map<std::string, double> units = {
        {"ns", 1}, {"us", 1e3}, {"µs", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
    if (text.empty()) throw Error("empty duration");
    if (text == "0") return std::chrono::nanoseconds(0);
    double total = 0;
    size_t i = 0;
    while (i < text.size()) {
        size_t start = i;
        while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
        if (start == i) throw Error(fmt::format("invalid duration \"{}\" (e.g. 30s, 1m30s, 500ms)", text));
        double n = std::stod(text.substr(start, i - start));
        size_t ustart = i;
        while (i < text.size() && !std::isdigit(static_cast<unsigned char>(text[i])) && text[i] != '.') ++i;
        auto u = units.find(text.substr(ustart, i - ustart));
        if (u == units.end()) throw Error(fmt::format("invalid duration \"{}\" (e.g. 30s, 1m30s, 500ms)", text));
        total += n * u->second;
    }
    return std::chrono::nanoseconds(static_cast<int64_t>(total));
}

std::string apply_metadata(const Instruction& ins, StageEnv& env, image::OciImageConfig& config) {
    const char esc = env.escape;
    const std::string& k = ins.keyword;
    VarMap vars = env.vars(config);
    auto word = [&](const std::string& w) { return at_line(ins, [&] { return expand_word(w, vars, esc); }); };
    auto words = [&] { return at_line(ins, [&] { return expand_words(ins.rest, vars, esc); }); };
    if (k == "ENV" || k == "LABEL") {
        auto pairs = at_line(ins, [&] { return name_values(ins, vars, esc); });
        std::vector<std::string> shown;
        for (const auto& [key, value] : pairs) {
            if (k == "ENV") set_env(config.env, key, value);
            else config.labels[key] = value;
            shown.push_back(key + "=" + quote_if_needed(value));
        }
        return fmt::format("{} {}", k, fmt::join(shown, " "));
    }
    if (k == "ARG") {
        if (ins.args.empty()) throw DockerfileError(ins, "ARG requires a name");
        std::vector<std::string> shown;
        for (const auto& w : ins.args) {
            auto eq = w.find('=');
            std::string name = w.substr(0, eq);
            std::string value;
            if (auto b = env.build_args.find(name); b != env.build_args.end()) value = b->second;
            else if (eq != std::string::npos) value = word(w.substr(eq + 1));
            else if (auto m = env.meta_args.find(name); m != env.meta_args.end()) value = m->second;
            else if (auto a = env.args.find(name); a != env.args.end()) value = a->second;
            env.args[name] = value;
            vars = env.vars(config);
            shown.push_back(name + "=" + quote_if_needed(value));
        }
        return "ARG " + fmt::format("{}", fmt::join(shown, " "));
    }
    if (k == "WORKDIR") {
        std::string dir = word(ins.rest);
        if (dir.empty()) throw DockerfileError(ins, "WORKDIR requires a path");
        if (dir[0] != '/') dir = effective_workdir(config) + "/" + dir;
        dir = "/" + clean_path(dir);
        if (dir == "/.") dir = "/";
        config.working_dir = dir;
        return "WORKDIR " + dir;
    }
    if (k == "USER") {
        std::string user = word(ins.rest);
        if (user.empty()) throw DockerfileError(ins, "USER requires a user");
        config.user = user;
        return "USER " + user;
    }
    if (k == "EXPOSE") {
        auto ports = words();
        if (ports.empty()) throw DockerfileError(ins, "EXPOSE requires at least one port");
        for (const auto& p : ports)
            for (const auto& e : at_line(ins, [&] { return expose_ports(p); })) add_unique(config.exposed_ports, e);
        return "EXPOSE " + fmt::format("{}", fmt::join(ports, " "));
    }
    if (k == "VOLUME") {
        std::vector<std::string> vols;
        if (ins.json) for (const auto& a : ins.args) vols.push_back(word(a));
        else vols = words();
        if (vols.empty()) throw DockerfileError(ins, "VOLUME requires at least one path");
        for (const auto& v : vols) {
            if (v.empty()) throw DockerfileError(ins, "VOLUME: an empty path");
            add_unique(config.volumes, v);
        }
        return "VOLUME " + nlohmann::json(vols).dump();
    }
    if (k == "CMD") {
        config.cmd = exec_or_shell(ins, config);
        env.cmd_set = true;
        return "CMD " + history_form(ins);
    }
    if (k == "ENTRYPOINT") {
        config.entrypoint = exec_or_shell(ins, config);
        if (!env.cmd_set) config.cmd.reset();  // an inherited CMD does not survive a new ENTRYPOINT
        return "ENTRYPOINT " + history_form(ins);
    }
    if (k == "SHELL") {
        if (!ins.json || ins.args.empty())
            throw DockerfileError(ins, "SHELL requires the JSON form, e.g. SHELL [\"/bin/bash\", \"-c\"]");
        config.shell = ins.args;
        return "SHELL " + history_form(ins);
    }
    if (k == "STOPSIGNAL") {
        std::string sig = word(ins.rest);
        if (sig.empty()) throw DockerfileError(ins, "STOPSIGNAL requires a signal");
        config.stop_signal = sig;
        return "STOPSIGNAL " + sig;
    }
    if (k == "HEALTHCHECK") return apply_healthcheck(ins, config);
    if (k == "MAINTAINER") {
        config.author = ins.rest;
        return "MAINTAINER " + ins.rest;
    }
    throw DockerfileError(ins, fmt::format("{} is not a metadata instruction", k));
}

}  // namespace stk::build
