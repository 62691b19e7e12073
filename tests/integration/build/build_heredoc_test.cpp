// Dockerfile heredocs (1.4 syntax) built for real: a lone `RUN <<EOF` script, a heredoc fed to
// a command with `<<-'END'` (tabs stripped, nothing expanded), and `COPY` of two heredocs, one
// expanded with the ARG, one quoted.
#include <catch2/catch.hpp>

#include "image/build/fs/layer_view.hpp"
#include "tests/integration/build/build_support.hpp"

using buildtest::BuildProject;

namespace {

const char* kDockerfile =
    "FROM stk-test/busybox:latest\n"
    "ARG WHO=world\n"
    "RUN <<EOF\n"
    "echo one > /one.txt\n"
    "echo \"two $WHO\" >> /one.txt\n"
    "EOF\n"
    "RUN cat <<-'END' > /literal.txt && echo tail >> /literal.txt\n"
    "\t$WHO stays\n"
    "\tEND\n"
    "COPY <<greet <<'raw' /etc/hd/\n"
    "hello $WHO\n"
    "greet\n"
    "raw $WHO\n"
    "raw\n"
    "LABEL done=yes\n";

std::string in_image(const stk::image::ImageRecord& rec, const std::string& rel) {
    stk::build::LayerView view(rec.lower_dirs());
    auto e = view.lookup(rel);
    return e ? e2e::slurp(e->real) : "<missing>";
}

}  // namespace

TEST_CASE("build: RUN and COPY heredocs produce the files they describe", "[build][root]") {
    BuildProject p("services:\n  hd:\n    image: stk-test/heredoc:v1\n    build: .\n");
    p.file("Dockerfile", kDockerfile);
    auto r = p.run({"build"});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("COPY <<greet <<raw /etc/hd/") != std::string::npos);
    auto rec = p.store().find(stk::image::Reference::parse("stk-test/heredoc:v1"));
    REQUIRE(rec);
    CHECK(in_image(*rec, "one.txt") == "one\ntwo world\n");
    CHECK(in_image(*rec, "literal.txt") == "$WHO stays\ntail\n");
    CHECK(in_image(*rec, "etc/hd/greet") == "hello world\n");
    CHECK(in_image(*rec, "etc/hd/raw") == "raw $WHO\n");
    CHECK(rec->config.labels.at("done") == "yes");

    auto again = p.run({"build"});
    INFO(again.out << again.err);
    REQUIRE(again.code == 0);
    CHECK(BuildProject::count(again.out, "CACHED") == 5);
}
