#pragma once
// Progress of a pull, per layer: on a terminal a line per layer updated in place, otherwise one
// plain line per change of state. Thread-safe: layers report from their worker threads.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace stk::image::registry {

enum class LayerState { Waiting, Exists, Downloading, Verifying, Extracting, Done, Failed };

const char* layer_state_text(LayerState s);

class PullProgress {
public:
    virtual ~PullProgress() = default;
    // A new image begins: `title` is its reference.
    virtual void image(const std::string& title) = 0;
    // A layer's state changed; `total` is its size (-1 unknown).
    virtual void layer(const std::string& id, LayerState state, int64_t total) = 0;
    // Bytes received so far for a downloading layer.
    virtual void bytes(const std::string& id, int64_t done) = 0;
    // A line of its own (the resolved digest, a status).
    virtual void message(const std::string& text) = 0;
};

// Writes nothing (`-q`).
std::unique_ptr<PullProgress> quiet_progress();
// Lines updated in place with ANSI escapes; `out` must be a terminal.
std::unique_ptr<PullProgress> terminal_progress(std::FILE* out);
// One line per state change.
std::unique_ptr<PullProgress> plain_progress(std::FILE* out);
// By the --progress mode: "quiet", "plain", "tty", or "auto" (tty when `out` is a terminal).
std::unique_ptr<PullProgress> make_progress(std::string_view mode, std::FILE* out);

}  // namespace stk::image::registry
