// The terminal display: a header and a line per object, all rewritten in place (cursor up,
// erase line) on every event, as docker compose v2 draws them.
#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "orchestrator/cli/output/progress_renderer.hpp"

namespace stk::cli::output {
namespace {

constexpr const char* kGreen = "\x1b[32m";
constexpr const char* kRed = "\x1b[31m";
constexpr const char* kBlue = "\x1b[34m";
constexpr const char* kReset = "\x1b[0m";

class TtyRenderer : public ProgressRenderer {
public:
    TtyRenderer(std::ostream& out, ProgressClock clock) : out_(out), clock_(std::move(clock)) {
        if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
    }

    void event(const ProgressEvent& e) override {
        auto now = clock_();
        Row* row = nullptr;
        for (auto& r : rows_)
            if (r.kind == e.kind && r.name == e.name) row = &r;
        if (!row) {
            rows_.push_back(Row{e.kind, e.name, {}, {}, now, now});
            row = &rows_.back();
        } else if (row->state == e.state && row->detail == e.detail) {
            return;
        }
        row->state = e.state;
        row->detail = e.detail;
        row->last = now;
        redraw(now);
    }

    void message(const std::string& text) override { messages_.push_back(text); }

    void finish() override {
        if (finished_) return;
        finished_ = true;
        if (!rows_.empty()) redraw(clock_());
        for (const auto& m : messages_) out_ << ' ' << m << '\n';
        out_.flush();
    }

    ~TtyRenderer() override { finish(); }

private:
    struct Row {
        std::string kind, name, state, detail;
        std::chrono::steady_clock::time_point first, last;
    };

    std::string render(const Row& r, size_t width, std::chrono::steady_clock::time_point now) const {
        bool settled = is_settled_state(r.state);
        const char* colour = is_error_state(r.state) ? kRed : settled ? kGreen : kBlue;
        const char* mark = is_error_state(r.state) ? "✘" : settled ? "✔" : "⠿";
        auto until = settled ? r.last : now;
        double seconds = std::chrono::duration<double>(until - r.first).count();
        std::string label = r.kind + " " + r.name;
        std::string state = r.detail.empty() ? r.state : r.state + ": " + r.detail;
        return fmt::format(" {}{}{} {:<{}}  {}{}{}  {:.1f}s", colour, mark, kReset, label, width,
                           colour, state, kReset, seconds);
    }

    void redraw(std::chrono::steady_clock::time_point now) {
        size_t width = 0, done = 0;
        bool failed = false;
        for (const auto& r : rows_) {
            width = std::max(width, r.kind.size() + 1 + r.name.size());
            if (is_settled_state(r.state)) ++done;
            failed = failed || is_error_state(r.state);
        }
        std::string frame;
        if (drawn_ > 0) frame += fmt::format("\x1b[{}A", drawn_);
        frame += fmt::format("\x1b[2K\r{}[+] Running {}/{}{}\n", failed ? kRed : kBlue, done,
                             rows_.size(), kReset);
        for (const auto& r : rows_) frame += "\x1b[2K\r" + render(r, width, now) + "\n";
        drawn_ = rows_.size() + 1;
        out_ << frame << std::flush;
    }

    std::ostream& out_;
    ProgressClock clock_;
    std::vector<Row> rows_;
    std::vector<std::string> messages_;
    size_t drawn_ = 0;
    bool finished_ = false;
};

}  // namespace

std::unique_ptr<ProgressRenderer> tty_renderer(std::ostream& out, ProgressClock clock) {
    return std::make_unique<TtyRenderer>(out, std::move(clock));
}

}  // namespace stk::cli::output
