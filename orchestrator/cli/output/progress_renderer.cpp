#include "orchestrator/cli/output/progress_renderer.hpp"

#include <unistd.h>

#include <iostream>
#include <map>

#include "orchestrator/cli/global_options.hpp"

namespace stk::cli::output {
namespace {

class QuietRenderer : public ProgressRenderer {
public:
    void event(const ProgressEvent&) override {}
    void message(const std::string&) override {}
    void finish() override {}
};

class PlainRenderer : public ProgressRenderer {
public:
    explicit PlainRenderer(std::ostream& out) : out_(out) {}
    void event(const ProgressEvent& e) override {
        std::string& last = states_[e.kind + " " + e.name];
        if (last == e.state) return;
        last = e.state;
        out_ << ' ' << progress_line(e) << '\n' << std::flush;
    }
    void message(const std::string& text) override { out_ << ' ' << text << '\n' << std::flush; }
    void finish() override { out_.flush(); }

private:
    std::ostream& out_;
    std::map<std::string, std::string> states_;
};

}  // namespace

void ProgressRenderer::line(const std::string& text) {
    if (auto e = parse_progress_line(text)) return event(*e);
    message(text);
}

std::unique_ptr<ProgressRenderer> quiet_renderer() { return std::make_unique<QuietRenderer>(); }

std::unique_ptr<ProgressRenderer> plain_renderer(std::ostream& out) {
    return std::make_unique<PlainRenderer>(out);
}

ProgressMode progress_mode(const std::string& progress, const std::string& ansi, bool is_tty) {
    if (progress == "quiet") return ProgressMode::Quiet;
    if (progress == "plain" || ansi == "never") return ProgressMode::Plain;
    if (progress == "tty" || ansi == "always" || is_tty) return ProgressMode::Tty;
    return ProgressMode::Plain;
}

ProgressMode progress_mode(const GlobalOptions& g) {
    return progress_mode(g.progress, g.ansi, ::isatty(STDOUT_FILENO) == 1);
}

std::unique_ptr<ProgressRenderer> make_progress_renderer(const GlobalOptions& g) {
    switch (progress_mode(g)) {
        case ProgressMode::Quiet: return quiet_renderer();
        case ProgressMode::Tty: return tty_renderer(std::cout);
        case ProgressMode::Plain: break;
    }
    return plain_renderer(std::cout);
}

}  // namespace stk::cli::output
