#include "image/registry/progress.hpp"

#include <unistd.h>

#include <chrono>
#include <fmt/format.h>
#include <mutex>
#include <vector>

namespace stk::image::registry {
namespace {

std::string human_bytes(int64_t n) {
    if (n < 0) return "?";
    if (n < 1000) return fmt::format("{}B", n);
    if (n < 1000 * 1000) return fmt::format("{:.1f}kB", n / 1e3);
    if (n < 1000LL * 1000 * 1000) return fmt::format("{:.1f}MB", n / 1e6);
    return fmt::format("{:.2f}GB", n / 1e9);
}

class QuietProgress : public PullProgress {
public:
    void image(const std::string&) override {}
    void layer(const std::string&, LayerState, int64_t) override {}
    void bytes(const std::string&, int64_t) override {}
    void message(const std::string&) override {}
};

class PlainProgress : public PullProgress {
public:
    explicit PlainProgress(std::FILE* out) : out_(out) {}
    void image(const std::string& title) override { print(fmt::format("{}: pulling", title)); }
    void layer(const std::string& id, LayerState s, int64_t total) override {
        if (s == LayerState::Waiting) return;
        print(total >= 0 && (s == LayerState::Done || s == LayerState::Downloading)
                  ? fmt::format("{}: {} ({})", id, layer_state_text(s), human_bytes(total))
                  : fmt::format("{}: {}", id, layer_state_text(s)));
    }
    void bytes(const std::string&, int64_t) override {}
    void message(const std::string& text) override { print(text); }

private:
    void print(const std::string& line) {
        std::lock_guard lock(mu_);
        std::fprintf(out_, "%s\n", line.c_str());
        std::fflush(out_);
    }
    std::mutex mu_;
    std::FILE* out_;
};

class TerminalProgress : public PullProgress {
public:
    explicit TerminalProgress(std::FILE* out) : out_(out) {}
    void image(const std::string& title) override {
        std::lock_guard lock(mu_);
        rows_.clear();
        drawn_ = 0;
        std::fprintf(out_, "%s: pulling\n", title.c_str());
        std::fflush(out_);
    }
    void layer(const std::string& id, LayerState s, int64_t total) override {
        std::lock_guard lock(mu_);
        Row& r = row(id);
        r.state = s;
        if (total >= 0) r.total = total;
        if (s == LayerState::Done && r.total >= 0) r.done = r.total;
        redraw(true);
    }
    void bytes(const std::string& id, int64_t done) override {
        std::lock_guard lock(mu_);
        row(id).done = done;
        redraw(false);
    }
    void message(const std::string& text) override {
        std::lock_guard lock(mu_);
        std::fprintf(out_, "%s\n", text.c_str());
        std::fflush(out_);
        rows_.clear();
        drawn_ = 0;
    }

private:
    struct Row {
        std::string id;
        LayerState state = LayerState::Waiting;
        int64_t total = -1;
        int64_t done = 0;
    };

    Row& row(const std::string& id) {
        for (auto& r : rows_)
            if (r.id == id) return r;
        rows_.push_back(Row{id});
        return rows_.back();
    }

    std::string line(const Row& r) const {
        std::string text = fmt::format("{}: {:<12}", r.id, layer_state_text(r.state));
        if (r.state == LayerState::Downloading && r.total > 0) {
            constexpr int width = 30;
            int filled = static_cast<int>(width * std::min<int64_t>(r.done, r.total) / r.total);
            text += fmt::format(" [{}{}{}] {}/{}", std::string(filled, '='),
                                filled < width ? ">" : "",
                                std::string(width - filled - (filled < width ? 1 : 0), ' '),
                                human_bytes(r.done), human_bytes(r.total));
        } else if (r.state == LayerState::Done && r.total >= 0) {
            text += " " + human_bytes(r.total);
        }
        return text;
    }

    // Rewrites every row in place; byte counts at most every 100 ms, state changes at once.
    void redraw(bool forced) {
        auto now = std::chrono::steady_clock::now();
        if (!forced && now - last_ < std::chrono::milliseconds(100)) return;
        last_ = now;
        if (drawn_ > 0) std::fprintf(out_, "\x1b[%zuA", drawn_);
        for (const auto& r : rows_) std::fprintf(out_, "\x1b[2K\r%s\n", line(r).c_str());
        drawn_ = rows_.size();
        std::fflush(out_);
    }

    std::mutex mu_;
    std::FILE* out_;
    std::vector<Row> rows_;
    std::size_t drawn_ = 0;
    std::chrono::steady_clock::time_point last_{};
};

}  // namespace

const char* layer_state_text(LayerState s) {
    switch (s) {
        case LayerState::Waiting: return "Waiting";
        case LayerState::Exists: return "Already exists";
        case LayerState::Downloading: return "Downloading";
        case LayerState::Verifying: return "Verifying";
        case LayerState::Extracting: return "Extracting";
        case LayerState::Done: return "Pull complete";
        case LayerState::Failed: return "Failed";
    }
    return "?";
}

std::unique_ptr<PullProgress> quiet_progress() { return std::make_unique<QuietProgress>(); }
std::unique_ptr<PullProgress> terminal_progress(std::FILE* out) {
    return std::make_unique<TerminalProgress>(out);
}
std::unique_ptr<PullProgress> plain_progress(std::FILE* out) {
    return std::make_unique<PlainProgress>(out);
}
std::unique_ptr<PullProgress> make_progress(std::string_view mode, std::FILE* out) {
    if (mode == "quiet") return quiet_progress();
    if (mode == "tty" || (mode != "plain" && ::isatty(::fileno(out)))) return terminal_progress(out);
    return plain_progress(out);
}

}  // namespace stk::image::registry
