#pragma once
// The instructions that only change the image config (ENV, ARG, LABEL, WORKDIR, USER, EXPOSE,
// VOLUME, CMD, ENTRYPOINT, HEALTHCHECK, STOPSIGNAL, SHELL, MAINTAINER), with docker's
// expansion rules. Pure: no filesystem, so the unit tests check them as data.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "image/build/dockerfile/expand.hpp"
#include "image/build/dockerfile/instruction.hpp"
#include "image/store/oci_config.hpp"

namespace stk::build {

// What a stage knows besides its config.
struct StageEnv {
    VarMap args;                                   // ARG values in scope in this stage
    VarMap meta_args;                              // global ARG values (ARG NAME reuses them)
    std::map<std::string, std::string> build_args; // --build-arg / build.args
    bool cmd_set = false;                          // CMD given in this stage
    char escape = '\\';

    // What $VAR sees: the stage's ARGs, overridden by the config's ENV.
    VarMap vars(const image::OciImageConfig& config) const;
    // Environment of a RUN: the config's ENV plus ARGs ENV does not override, plus the
    // predefined proxy args given as build args.
    std::vector<std::string> run_env(const image::OciImageConfig& config) const;
};

bool is_metadata_instruction(const std::string& keyword);

// Applies the instruction and returns its expanded text, e.g. "ENV A=1 B=two" (the history's
// created_by and the cache key). Throws DockerfileError naming the line.
std::string apply_metadata(const Instruction& ins, StageEnv& env, image::OciImageConfig& config);

// The working directory an instruction resolves relative paths against ("/" when unset).
std::string effective_workdir(const image::OciImageConfig& config);
// A RUN/CMD/ENTRYPOINT in shell form as argv, with SHELL (default /bin/sh -c).
std::vector<std::string> shell_argv(const image::OciImageConfig& config, const std::string& command);
// Sets or replaces KEY in "KEY=VALUE" lists.
void set_env(std::vector<std::string>& env, const std::string& key, const std::string& value);
// Go durations ("30s", "1m30s", "500ms"); throws Error.
std::chrono::nanoseconds parse_go_duration(const std::string& text);

inline constexpr const char* kDefaultPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

}  // namespace stk::build
