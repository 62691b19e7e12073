#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "runtime/mount/mount_options.hpp"
#include "tests/integration/runtime/mount_fixture.hpp"

namespace fs = std::filesystem;
using stk::test::MountFixture;
using stk::test::RunResult;
using namespace stk::runtime;

namespace {

// After every container: nothing mounted under the run root, and `rm` removes the dirs.
void remove_and_check(MountFixture& f, const ContainerSpec& spec, const RunResult& r) {
    CHECK(stk::test::host_mounts_below(f.run_root()).empty());
    CHECK(stk::test::host_mounts_below(f.base()).empty());
    remove_rootfs_dirs(spec.name);
    CHECK_FALSE(fs::exists(r.layout.dir));
}

MountSpec make_mount(MountSpec::Kind kind, const fs::path& source, const std::string& target,
                     bool read_only = false) {
    MountSpec m;
    m.kind = kind;
    m.source = source;
    m.target = target;
    m.read_only = read_only;
    return m;
}

// Mount options ("ro,nosuid,...") and type of the mount at `point`, as seen from inside.
std::string mount_facts(const std::string& key, const std::string& point) {
    return "echo " + key + "=$(awk '$2==\"" + point + "\"{print $3\" \"$4}' /proc/mounts)\n";
}

}  // namespace

TEST_CASE("mount: directory rootfs gets docker's /proc, /dev and /sys", "[mount]") {
    MountFixture f;
    auto spec = f.spec();
    spec.resources.shm_size = 8ull << 20;
    auto r = f.run(spec,
                   "echo pid=$$\n"
                   "echo kcore=$(stat -c %t:%T /proc/kcore 2>/dev/null || echo missing)\n"
                   "echo keys=$(stat -c %t:%T /proc/keys 2>/dev/null || echo missing)\n"
                   "echo kcorebytes=$(head -c 16 /proc/kcore 2>/dev/null | wc -c)\n" +
                       mount_facts("proc", "/proc") + mount_facts("sys", "/sys") +
                       mount_facts("procsys", "/proc/sys") + mount_facts("dev", "/dev") +
                       mount_facts("pts", "/dev/pts") + mount_facts("shm", "/dev/shm") +
                       mount_facts("mqueue", "/dev/mqueue") +
                       "echo sysrq=$(echo h > /proc/sysrq-trigger 2>/dev/null && echo w || echo "
                       "denied)\n"
                       "echo domain=$(echo stk > /proc/sys/kernel/domainname 2>/dev/null && echo "
                       "w || echo denied)\n"
                       "echo \"devls= $(ls /dev | tr '\\n' ' ')\"\n"
                       "echo ptmx=$(readlink /dev/ptmx)\n"
                       "echo stdout=$(readlink /dev/stdout)\n"
                       "echo null=$(stat -c %F:%t:%T /dev/null)\n"
                       "echo shmmode=$(stat -c %a /dev/shm)\n"
                       "echo zero=$(head -c 5 /dev/zero | wc -c)\n"
                       "echo devnull=$(echo x > /dev/null && echo ok)\n"
                       "echo firmware=$(ls /sys/firmware | wc -l)\n");
    INFO(r.output);
    REQUIRE(r.status == 0);
    auto facts = r.facts();
    CHECK(facts["pid"] == "1");
    if (fs::exists("/proc/kcore")) {
        CHECK(facts["kcore"] == "1:3");
        CHECK(facts["kcorebytes"] == "0");
    } else {
        CHECK(facts["kcore"] == "missing");
    }
    if (fs::exists("/proc/keys")) CHECK(facts["keys"] == "1:3");
    CHECK_THAT(facts["proc"], Catch::StartsWith("proc rw,nosuid,nodev,noexec"));
    CHECK_THAT(facts["sys"], Catch::StartsWith("sysfs ro,nosuid,nodev,noexec"));
    CHECK_THAT(facts["procsys"], Catch::StartsWith("proc ro,"));
    CHECK_THAT(facts["dev"], Catch::StartsWith("tmpfs rw,nosuid") && Catch::Contains("mode=755"));
    CHECK_THAT(facts["pts"],
               Catch::StartsWith("devpts rw,nosuid,noexec") && Catch::Contains("ptmxmode=666"));
    CHECK_THAT(facts["shm"],
               Catch::StartsWith("tmpfs rw,nosuid,nodev,noexec") && Catch::Contains("size=8192k"));
    CHECK(facts["shmmode"] == "1777");
    CHECK_THAT(facts["mqueue"], Catch::StartsWith("mqueue rw,nosuid,nodev,noexec"));
    if (fs::exists("/proc/sysrq-trigger")) CHECK(facts["sysrq"] == "denied");
    CHECK(facts["domain"] == "denied");
    for (const char* entry : {"null", "zero", "full", "random", "urandom", "tty", "ptmx", "pts",
                              "shm", "mqueue", "fd", "stdin", "stdout", "stderr"})
        CHECK_THAT(facts["devls"], Catch::Contains(" " + std::string(entry) + " "));
    CHECK(facts["ptmx"] == "pts/ptmx");
    CHECK(facts["stdout"] == "/proc/self/fd/1");
    CHECK(facts["null"] == "character special file:1:3");
    CHECK(facts["zero"] == "5");
    CHECK(facts["devnull"] == "ok");
    CHECK(facts["firmware"] == "0");
    remove_and_check(f, spec, r);
}

TEST_CASE("mount: bind mounts ro and rw, volumes and sized tmpfs", "[mount]") {
    MountFixture f;
    auto spec = f.spec();
    fs::create_directories(f.base() / "host/rw");
    fs::create_directories(f.base() / "host/ro");
    std::ofstream(f.base() / "host/ro/seen") << "from host\n";
    std::ofstream(f.base() / "host/file.conf") << "conf\n";
    MountSpec rw = make_mount(MountSpec::Kind::Bind, f.base() / "host/rw", "/data/rw");
    MountSpec ro = make_mount(MountSpec::Kind::Bind, f.base() / "host/ro", "/data/ro", true);
    MountSpec file =
        make_mount(MountSpec::Kind::Bind, f.base() / "host/file.conf", "/etc/app/file.conf", true);
    MountSpec created = make_mount(MountSpec::Kind::Bind, f.base() / "host/created", "/created");
    MountSpec volume =
        make_mount(MountSpec::Kind::Volume, f.base() / "data/volumes/v1", "/var/lib/db");
    MountSpec tmp = make_mount(MountSpec::Kind::Tmpfs, {}, "/scratch");
    tmp.tmpfs_size = 1u << 20;
    tmp.tmpfs_mode = 01770;
    spec.mounts = {rw, ro, file, created, volume, tmp};
    auto r = f.run(spec,
                   "echo hello > /data/rw/written && echo rw=ok\n"
                   "echo ro=$(touch /data/ro/x 2>/dev/null && echo w || echo denied)\n"
                   "echo seen=$(cat /data/ro/seen)\n"
                   "echo conf=$(cat /etc/app/file.conf)\n"
                   "echo confw=$(echo y >> /etc/app/file.conf 2>/dev/null && echo w || echo "
                   "denied)\n"
                   "echo v > /var/lib/db/v && echo vol=ok\n"
                   "echo c > /created/c && echo created=ok\n" +
                       mount_facts("scratch", "/scratch") +
                       "echo scratchmode=$(stat -c %a /scratch)\n"
                       "head -c 2097152 /dev/zero > /scratch/big 2>/dev/null; "
                       "echo scratchbytes=$(stat -c %s /scratch/big)\n");
    INFO(r.output);
    REQUIRE(r.status == 0);
    auto facts = r.facts();
    CHECK(facts["rw"] == "ok");
    CHECK(stk::test::read_text(f.base() / "host/rw/written") == "hello\n");
    CHECK(facts["ro"] == "denied");
    CHECK_FALSE(fs::exists(f.base() / "host/ro/x"));
    CHECK(facts["seen"] == "from host");
    CHECK(facts["conf"] == "conf");
    CHECK(facts["confw"] == "denied");
    CHECK(facts["vol"] == "ok");
    CHECK(stk::test::read_text(f.base() / "data/volumes/v1/v") == "v\n");
    CHECK(facts["created"] == "ok");
    CHECK(fs::exists(f.base() / "host/created/c"));
    CHECK_THAT(facts["scratch"],
               Catch::StartsWith("tmpfs rw,nosuid,nodev,noexec") && Catch::Contains("size=1024k"));
    CHECK(facts["scratchmode"] == "1770");
    CHECK(facts["scratchbytes"] == "1048576");
    remove_and_check(f, spec, r);
}

TEST_CASE("mount: read_only root keeps /dev/shm and tmpfs writable", "[mount]") {
    MountFixture f;
    auto spec = f.spec();
    spec.rootfs.read_only = true;
    spec.process.cwd = "/srv/app";
    spec.mounts = {make_mount(MountSpec::Kind::Tmpfs, {}, "/run")};
    auto r = f.run(spec,
                   "echo root=$(touch /x 2>/dev/null && echo w || echo denied)\n"
                   "echo shm=$(touch /dev/shm/x && echo w)\n"
                   "echo run=$(touch /run/x && echo w)\n"
                   "echo cwd=$(pwd)\n" +
                       mount_facts("rootopts", "/"));
    INFO(r.output);
    REQUIRE(r.status == 0);
    auto facts = r.facts();
    CHECK(facts["root"] == "denied");
    CHECK(facts["shm"] == "w");
    CHECK(facts["run"] == "w");
    CHECK(facts["cwd"] == "/srv/app");
    CHECK_THAT(facts["rootopts"], Catch::Contains(" ro,"));
    CHECK(fs::is_directory(f.rootfs() / "srv/app"));
    remove_and_check(f, spec, r);
}

TEST_CASE("mount: /etc/hosts, hostname and resolv.conf come from the caller's files", "[mount]") {
    MountFixture f;
    auto spec = f.spec();
    std::ofstream(f.base() / "hosts") << "127.0.0.1 localhost\n10.1.2.3 web\n";
    std::ofstream(f.base() / "hostname") << "web\n";
    std::ofstream(f.base() / "resolv.conf") << "nameserver 10.1.2.1\n";
    spec.hosts_file = f.base() / "hosts";
    spec.hostname_file = f.base() / "hostname";
    spec.resolv_conf_file = f.base() / "resolv.conf";
    auto r = f.run(spec,
                   "echo hosts=$(grep web /etc/hosts)\n"
                   "echo hostname=$(cat /etc/hostname)\n"
                   "echo resolv=$(cat /etc/resolv.conf)\n");
    INFO(r.output);
    REQUIRE(r.status == 0);
    auto facts = r.facts();
    CHECK(facts["hosts"] == "10.1.2.3 web");
    CHECK(facts["hostname"] == "web");
    CHECK(facts["resolv"] == "nameserver 10.1.2.1");
    remove_and_check(f, spec, r);
}

TEST_CASE("mount: overlay of layers with ',' and ':' in paths writes to the private upper",
          "[mount]") {
    MountFixture f("run,with:odd\\chars");  // upper and work dirs need escaping too
    auto spec = f.spec();
    fs::path top = f.base() / "layer,top:1";
    fs::create_directories(top / "etc");
    std::ofstream(top / "etc/marker") << "top layer\n";
    std::ofstream(top / "etc/passwd") << "root:x:0:0:top:/root:/bin/sh\n";
    spec.rootfs.kind = RootfsSpec::Kind::Layers;
    spec.rootfs.lower_dirs = {top, f.rootfs()};
    auto r = f.run(spec,
                   "echo marker=$(cat /etc/marker)\n"
                   "echo passwd=$(cat /etc/passwd)\n"
                   "echo new > /newfile && rm /etc/marker && echo write=ok\n");
    INFO(r.output);
    REQUIRE(r.status == 0);
    auto facts = r.facts();
    CHECK(facts["marker"] == "top layer");
    CHECK(facts["passwd"] == "root:x:0:0:top:/root:/bin/sh");
    CHECK(facts["write"] == "ok");
    CHECK(stk::test::read_text(r.layout.upper / "newfile") == "new\n");
    CHECK(fs::exists(top / "etc/marker"));  // the whiteout lives in the upper only
    CHECK_FALSE(fs::exists(f.rootfs() / "newfile"));
    remove_and_check(f, spec, r);
}

TEST_CASE("mount: host view shows host files, writes land in the private upper", "[mount]") {
    MountFixture f;
    auto spec = f.spec();
    spec.rootfs.kind = RootfsSpec::Kind::HostView;
    std::string probe = "/etc/stk-hostview-" + std::to_string(::getpid());
    std::string os_release = stk::test::read_text("/etc/os-release");
    std::string first_line = os_release.substr(0, os_release.find('\n'));
    auto r = f.run(spec,
                   "echo os=$(head -n 1 /etc/os-release)\n"
                   "echo x > " +
                       probe +
                       " && echo write=ok\n"
                       "echo runroot=$(ls -A " +
                       f.run_root().string() +
                       " | wc -l)\n"
                       "echo pid=$$\n");
    INFO(r.output);
    REQUIRE(r.status == 0);
    auto facts = r.facts();
    CHECK(facts["os"] == first_line);
    CHECK(facts["write"] == "ok");
    CHECK_FALSE(fs::exists(probe));
    CHECK(stk::test::read_text(r.layout.upper / probe.substr(1)) == "x\n");
    CHECK(facts["runroot"] == "0");  // stack's own state is hidden in the view
    CHECK(facts["pid"] == "1");
    remove_and_check(f, spec, r);
}

TEST_CASE("mount: symlinks to the host's /etc/shadow cannot redirect mounts", "[mount]") {
    MountFixture f;
    auto spec = f.spec();
    // An image that points a mount target and /etc/hosts at host files.
    fs::create_directory_symlink("/etc", f.rootfs() / "evil");
    fs::create_symlink("../../../../../../../../../etc/shadow", f.rootfs() / "etc/hosts");
    std::ofstream(f.base() / "payload") << "payload\n";
    std::ofstream(f.base() / "hosts") << "127.0.0.1 localhost\n";
    spec.mounts = {make_mount(MountSpec::Kind::Bind, f.base() / "payload", "/evil/gshadow")};
    spec.hosts_file = f.base() / "hosts";
    std::string shadow_before = stk::test::read_text("/etc/shadow");
    std::string gshadow_before = stk::test::read_text("/etc/gshadow");
    auto r = f.run(spec,
                   "echo shadow=$(cat /etc/shadow)\n"
                   "echo pwned >> /evil/gshadow && echo pwned >> /etc/hosts && echo wrote=ok\n");
    INFO(r.output);
    REQUIRE(r.status == 0);
    auto facts = r.facts();
    CHECK(facts["shadow"] == "127.0.0.1 localhost");
    CHECK(facts["wrote"] == "ok");
    CHECK(stk::test::read_text("/etc/shadow") == shadow_before);
    CHECK(stk::test::read_text("/etc/gshadow") == gshadow_before);
    CHECK(stk::test::read_text(f.base() / "payload") == "payload\npwned\n");
    CHECK(stk::test::read_text(f.base() / "hosts") == "127.0.0.1 localhost\npwned\n");
    // The targets were created inside the rootfs, not on the host.
    CHECK(fs::is_regular_file(f.rootfs() / "etc/shadow"));
    CHECK(fs::is_regular_file(f.rootfs() / "etc/gshadow"));
    remove_and_check(f, spec, r);
}

TEST_CASE("mount: privileged leaves paths unmasked and /sys writable", "[mount]") {
    MountFixture f;
    auto spec = f.spec();
    spec.security.privileged = true;
    auto r = f.run(spec, "echo keys=$(stat -c %F /proc/keys 2>/dev/null || echo missing)\n" +
                             mount_facts("sys", "/sys") + mount_facts("procsys", "/proc/sys"));
    INFO(r.output);
    REQUIRE(r.status == 0);
    auto facts = r.facts();
    if (fs::exists("/proc/keys")) CHECK_THAT(facts["keys"], Catch::StartsWith("regular"));
    CHECK_THAT(facts["sys"], Catch::StartsWith("sysfs rw,"));
    CHECK(facts["procsys"].empty());
    remove_and_check(f, spec, r);
}

TEST_CASE("mount: a failing mount reports the operation and its operands", "[mount]") {
    MountFixture f;
    auto spec = f.spec();
    MountSpec missing = make_mount(MountSpec::Kind::Bind, f.base() / "absent", "/data");
    missing.create_source = false;
    spec.mounts = {missing};
    auto r = f.run(spec, "echo should-not-run");
    CHECK(r.status == 125);
    CHECK_THAT(r.output, Catch::Contains("set up mounts: mount bind \"" +
                                         (f.base() / "absent").string() + "\" on \"/data\"") &&
                             Catch::Contains("No such file or directory"));
    CHECK_THAT(r.output, !Catch::Contains("should-not-run"));
    remove_and_check(f, spec, r);
}

TEST_CASE("mount: remove_rootfs_dirs detaches leftover mounts and never crosses them", "[mount]") {
    MountFixture f;
    auto spec = f.spec();
    auto layout = prepare_rootfs_dirs(spec);
    fs::create_directories(f.base() / "victim");
    std::ofstream(f.base() / "victim/keep") << "keep\n";
    pid_t pid = ::fork();
    if (pid == 0) {
        // A private namespace standing in for a supervisor that leaked a bind mount.
        if (::unshare(CLONE_NEWNS) != 0 ||
            ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
            _exit(2);
        fs::create_directories(layout.merged / "mnt");
        if (::mount((f.base() / "victim").c_str(), (layout.merged / "mnt").c_str(), nullptr,
                    MS_BIND, nullptr) != 0)
            _exit(3);
        remove_rootfs_dirs(spec.name);
        _exit(fs::exists(layout.dir) ? 4 : 0);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(stk::test::read_text(f.base() / "victim/keep") == "keep\n");
    CHECK_FALSE(fs::exists(layout.dir));
}

TEST_CASE("mount: an overlay stack longer than one page of options still mounts", "[mount]") {
    MountFixture f;
    auto spec = f.spec();
    spec.rootfs.kind = RootfsSpec::Kind::Layers;
    std::string long_name(100, 'l');
    for (int i = 0; i < 50; ++i) {
        fs::path layer = f.base() / "layers" / (long_name + ",:" + std::to_string(i));
        fs::create_directories(layer);
        std::ofstream(layer / ("layer" + std::to_string(i))) << i << "\n";
        spec.rootfs.lower_dirs.push_back(layer);
    }
    spec.rootfs.lower_dirs.push_back(f.rootfs());
    REQUIRE(overlay_options(spec.rootfs.lower_dirs, "/u", "/w").size() > 4096);
    auto r = f.run(spec, "echo first=$(cat /layer0) last=$(cat /layer49)\n");
    INFO(r.output);
    REQUIRE(r.status == 0);
    CHECK_THAT(r.output, Catch::Contains("first=0 last=49"));
    remove_and_check(f, spec, r);
}

TEST_CASE("mount: /sys/fs/cgroup mirrors the host's hierarchies read-only", "[mount]") {
    MountFixture f;
    auto spec = f.spec();
    std::vector<std::string> host_dirs;
    for (const auto& e : fs::directory_iterator("/sys/fs/cgroup"))
        if (e.is_directory() && fs::exists(e.path() / "cgroup.procs"))
            host_dirs.push_back(e.path().filename().string());
    auto r = f.run(spec,
                   "echo \"dirs= $(ls /sys/fs/cgroup | tr '\\n' ' ')\"\n"
                   "echo procs=$(test -r /sys/fs/cgroup/cgroup.procs -o "
                   "-r /sys/fs/cgroup/memory/cgroup.procs && echo readable)\n"
                   "echo write=$(mkdir /sys/fs/cgroup/stk-x 2>/dev/null && echo w || echo "
                   "denied)\n"
                   "echo subwrite=$(for d in /sys/fs/cgroup/*/; do mkdir ${d}stk-x 2>/dev/null "
                   "&& echo w; done)\n" +
                       mount_facts("cgroot", "/sys/fs/cgroup"));
    INFO(r.output);
    REQUIRE(r.status == 0);
    auto facts = r.facts();
    CHECK_THAT(facts["cgroot"], Catch::Contains(" ro,"));
    CHECK(facts["procs"] == "readable");
    CHECK(facts["write"] == "denied");
    CHECK(facts["subwrite"].empty());
    for (const auto& d : host_dirs) CHECK_THAT(facts["dirs"], Catch::Contains(" " + d + " "));
    remove_and_check(f, spec, r);
}

TEST_CASE("mount: inside a user namespace devices are bound and mounts still work", "[mount]") {
    MountFixture f;
    for (auto kind : {RootfsSpec::Kind::Directory, RootfsSpec::Kind::Layers}) {
        auto spec = f.spec();
        spec.user_namespace = true;
        spec.rootfs.kind = kind;
        spec.rootfs.lower_dirs = {f.rootfs()};
        spec.rootfs.read_only = true;
        fs::create_directories(f.base() / "host/data");
        spec.mounts = {make_mount(MountSpec::Kind::Bind, f.base() / "host/data", "/data", true)};
        auto r = f.run(spec,
                       "echo null=$(stat -c %F:%t:%T /dev/null)\n"
                       "echo devnull=$(echo x > /dev/null && echo ok)\n"
                       "echo keys=$(stat -c %t:%T /proc/keys 2>/dev/null || echo missing)\n"
                       "echo root=$(touch /x 2>/dev/null && echo w || echo denied)\n"
                       "echo data=$(touch /data/x 2>/dev/null && echo w || echo denied)\n" +
                           mount_facts("sys", "/sys") + mount_facts("procsys", "/proc/sys"));
        INFO(r.output);
        REQUIRE(r.status == 0);
        auto facts = r.facts();
        CHECK(facts["null"] == "character special file:1:3");
        CHECK(facts["devnull"] == "ok");
        if (fs::exists("/proc/keys")) CHECK(facts["keys"] == "1:3");
        CHECK(facts["root"] == "denied");
        CHECK(facts["data"] == "denied");
        CHECK_THAT(facts["sys"], Catch::StartsWith("sysfs ro,"));
        CHECK_THAT(facts["procsys"], Catch::StartsWith("proc ro,"));
        remove_and_check(f, spec, r);
    }
}

TEST_CASE("mount: an overlay in a user namespace can delete and replace lower files", "[mount]") {
    MountFixture f;
    auto spec = f.spec();
    spec.user_namespace = true;
    spec.rootfs.kind = RootfsSpec::Kind::Layers;
    spec.rootfs.lower_dirs = {f.rootfs()};
    auto r = f.run(spec,
                   "rm /etc/group && echo deleted=$(test -e /etc/group && echo no || echo yes)\n"
                   "rm -r /tmp && mkdir /tmp && echo t > /tmp/t && echo replaced=ok\n");
    INFO(r.output);
    REQUIRE(r.status == 0);
    auto facts = r.facts();
    CHECK(facts["deleted"] == "yes");
    CHECK(facts["replaced"] == "ok");
    CHECK(fs::exists(f.rootfs() / "etc/group"));
    CHECK(fs::exists(r.layout.upper / "tmp/t"));
    remove_and_check(f, spec, r);
}
