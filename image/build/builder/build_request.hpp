#pragma once
// What `stack build` asks of the builder for one image, and what it gets back.
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "image/reference.hpp"
#include "runtime/sys/error.hpp"

namespace stk::build {

struct BuildRequest {
    std::string name;                    // shown in "[web 3/7]"
    std::filesystem::path context;       // the build context directory
    std::filesystem::path dockerfile;    // absolute; ignored when dockerfile_inline is set
    std::string dockerfile_inline;
    std::map<std::string, std::string> build_args;
    std::string target;                  // "" = the last stage
    std::map<std::string, std::string> labels;
    std::vector<image::Reference> tags;  // at least one; the first names the image
    bool no_cache = false;
    bool pull = false;                   // pull base images even when the store has them
    std::string platform;                // "" = this machine's; else os/arch[/variant]
    std::filesystem::path stack_binary;  // runs RUN steps (`stack container run`)
};

struct BuildResult {
    image::Digest manifest_digest;
    image::Digest config_digest;  // the image ID
    std::vector<image::Reference> tags;
    int steps = 0;
    int cached = 0;
};

// A RUN that failed: the message names Dockerfile:line, the exit code and the last lines.
class BuildFailed : public Error {
public:
    BuildFailed(const std::string& message, int exit_code) : Error(message), exit_code_(exit_code) {}
    int exit_code() const { return exit_code_; }

private:
    int exit_code_;
};

// Where progress goes; safe to use from the stage threads of several builds at once.
class BuildLog {
public:
    using Sink = std::function<void(const std::string& line)>;
    BuildLog(Sink sink, bool tty, bool quiet) : sink_(std::move(sink)), tty_(tty), quiet_(quiet) {}

    // "[web 3/7] RUN make" (or "[web 3/7] CACHED RUN make").
    void step(const std::string& prefix, int n, int total, const std::string& text, bool cached);
    void output(const std::string& prefix, const std::string& line);  // a step's own output
    void note(const std::string& text);

private:
    void emit(const std::string& line);
    Sink sink_;
    bool tty_, quiet_;
    std::mutex mutex_;
};

}  // namespace stk::build
