// A built image leaves the store as an archive (`stack image save`'s code) that podman loads
// into a private storage and runs.
#include <catch2/catch.hpp>

#include "image/archive/save_archive.hpp"
#include "tests/integration/build/build_support.hpp"
#include "tests/support/run_shell.hpp"

using buildtest::BuildProject;
using stk::test::run_shell;
namespace fs = std::filesystem;

TEST_CASE("build: the saved image loads and runs in podman", "[build][root][podman]") {
    if (run_shell("command -v podman").find("podman") == std::string::npos) FAIL("podman is not installed");
    BuildProject p("services:\n  app:\n    image: stk-test/built-for-podman:1\n    build: .\n");
    p.file("Dockerfile",
           "FROM stk-test/busybox:latest\n"
           "COPY message.txt /srv/\n"
           "RUN echo built-by-stack > /srv/origin && rm /app/hello.txt\n"
           "ENV GREETING=hi\n"
           "WORKDIR /srv\n"
           "CMD [\"sh\", \"-c\", \"cat origin message.txt; echo $GREETING; test -e /app/hello.txt && echo present || echo gone\"]\n");
    p.file("message.txt", "hello podman\n");
    auto built = p.run({"build"});
    INFO(built.out << built.err);
    REQUIRE(built.code == 0);
    auto archive = p.dir / "saved.tar";
    stk::image::save_archive(p.store(), {"stk-test/built-for-podman:1"}, archive);

    // Storage, run root and temp dir private; runtime and cgroup settings from the peers' rig.
    auto pod = p.dir / "podman";
    fs::create_directories(pod / "tmp");
    std::string podman = "CONTAINERS_CONF=/var/lib/peers/etc/containers.conf podman --root " +
                         (pod / "root").string() + " --runroot " + (pod / "run").string() +
                         " --storage-driver vfs --cgroup-manager cgroupfs --events-backend none --tmpdir " +
                         (pod / "tmp").string();
    struct Cleanup {
        std::string podman, root;
        ~Cleanup() {
            run_shell(podman + " rm -a -f");
            run_shell(podman + " rmi -a -f");
            run_shell("umount -R " + root + " 2>/dev/null");
        }
    } cleanup{podman, (pod / "root").string()};
    std::string load = run_shell(podman + " load -i " + archive.string());
    INFO(load);
    REQUIRE(load.find("exit status") == std::string::npos);
    std::string run = run_shell(podman + " run --rm --network none stk-test/built-for-podman:1");
    INFO(run);
    CHECK(run == "built-by-stack\nhello podman\nhi\ngone\n");  // hello.txt deleted by the whiteout
    std::string history = run_shell(podman + " history --format '{{.CreatedBy}}' stk-test/built-for-podman:1");
    INFO(history);
    CHECK(history.find("RUN echo built-by-stack") != std::string::npos);
}
