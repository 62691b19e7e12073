#!/usr/bin/env node
// Runs an exported stack for real with `podman kube play` (Debian's podman 4.3) and checks env,
// the init container's wait, the shared volume and the probes.
//   node smoke.js STACK_BINARY
// Everything lives in a private temp dir: podman's storage, config, run root and a busybox image
// imported from busybox-static (plus netcat-openbsd's nc and dash as /bin/sh: Debian's busybox nc
// has no -z, which the official busybox image's has). The pods join one internal network (no egress) that the
// test creates, each under its Service's name, so the init containers' waits dial the Service
// names the export wrote, as they would on a cluster.
// Exit 77 (ctest SKIP_RETURN_CODE) with the reason when the machine cannot run it.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { execFileSync, spawn, spawnSync } = require("child_process");
const YAML = require("yaml");

const SKIP = 77;
const stack = process.argv[2];
const fixture = path.join(__dirname, "..", "fixtures", "k8s", "smoke", "compose.yaml");
const unique = `stk${crypto.randomBytes(4).toString("hex")}`;  // <= 15 chars: also the bridge's name
const image = `localhost/${unique}/busybox:1`;
const network = unique;
const port = 8080;          // store's listener, in its own pod's namespace
const STORE_DELAY = 3;      // seconds store sleeps before it listens

function skip(why) {
  console.log(`SKIPPED: ${why}`);
  fs.rmSync(work, { recursive: true, force: true });
  process.exit(SKIP);
}

function which(cmd) {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "stk-k8s-smoke-"));
const env = { ...process.env, CONTAINERS_CONF: path.join(work, "containers.conf"),
              CONTAINERS_STORAGE_CONF: path.join(work, "storage.conf") };

function podman(args, opts = {}) {
  const r = spawnSync("podman", args, { env, encoding: "utf8", timeout: 120000, ...opts });
  if (r.status !== 0 && !opts.mayFail)
    throw new Error(`podman ${args.join(" ")}: exit ${r.status}\n${r.stdout}${r.stderr}`);
  return r;
}

function writePodmanConfig() {
  for (const d of ["graph", "run", "tmp", "volumes", "networks"]) fs.mkdirSync(path.join(work, d));
  fs.writeFileSync(env.CONTAINERS_STORAGE_CONF,
    `[storage]\ndriver = "overlay"\ngraphroot = "${work}/graph"\nrunroot = "${work}/run"\n`);
  const nofile = execFileSync("sh", ["-c", "ulimit -Hn"], { encoding: "utf8" }).trim();
  const n = nofile === "unlimited" ? 1048576 : Math.min(Number(nofile), 1048576);
  // cgroupfs: no systemd here; limits the host allows (podman asks for more by default).
  fs.writeFileSync(env.CONTAINERS_CONF, [
    "[containers]", `default_ulimits = ["nofile=${n}:${n}", "nproc=32768:32768"]`,
    "[engine]", 'cgroup_manager = "cgroupfs"', 'events_logger = "file"',
    `tmp_dir = "${work}/tmp"`, `volume_path = "${work}/volumes"`,
    "[network]", 'network_backend = "netavark"', `network_config_dir = "${work}/networks"`, ""].join("\n"));
}

// busybox-static with its applets; nc from netcat-openbsd and /bin/sh from dash, with the
// libraries they need. Debian's busybox shell prefers its own applets to PATH, so with busybox
// as /bin/sh the waits' `nc -z` would always run busybox's nc, which has no -z.
function buildImage() {
  const root = path.join(work, "rootfs");
  for (const d of ["bin", "etc", "tmp", "data", "lib64", "lib/x86_64-linux-gnu"]) fs.mkdirSync(path.join(root, d), { recursive: true });
  const install = (from, to) => {
    fs.copyFileSync(from, path.join(root, to));
    fs.chmodSync(path.join(root, to), 0o755);
  };
  install("/bin/busybox", "bin/busybox");
  const applets = execFileSync("/bin/busybox", ["--list"], { encoding: "utf8" }).split("\n").filter(Boolean);
  for (const a of applets) if (!["busybox", "nc", "sh"].includes(a)) fs.symlinkSync("busybox", path.join(root, "bin", a));
  install("/bin/nc.openbsd", "bin/nc");
  install("/bin/dash", "bin/sh");
  for (const bin of ["/bin/nc.openbsd", "/bin/dash"])
    for (const lib of execFileSync("ldd", [bin], { encoding: "utf8" }).match(/\/\S+/g)) {
      fs.mkdirSync(path.join(root, path.dirname(lib)), { recursive: true });
      fs.copyFileSync(fs.realpathSync(lib), path.join(root, lib));
    }
  fs.writeFileSync(path.join(root, "etc/nsswitch.conf"), "hosts: files\n");
  fs.writeFileSync(path.join(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
  const tar = path.join(work, "rootfs.tar");
  execFileSync("tar", ["-C", root, "-cf", tar, "."]);
  podman(["import", "--change", "ENV PATH=/bin", tar, image]);
}

// The first three octets of a /24 in 10.89.128.0/17 that no route of this host uses yet
// (podman's own pick only knows this test's private configuration).
function freeSubnet() {
  const used = execFileSync("ip", ["-4", "route", "show"], { encoding: "utf8" });
  for (let tries = 0; tries < 64; tries++) {
    const net = `10.89.${128 + crypto.randomInt(127)}.`;
    if (!used.includes(net)) return net;
  }
  throw new Error("no free /24 in 10.89.128.0/17 for the test network");
}

// --internal: no NAT, no forwarding, no route out; --disable-dns: podman's resolver would
// forward the names it does not know to the host's. podman 4.3 has no --interface-name, so the
// bridge gets the network's stk name through the network's config file before any pod uses it.
// Returns the subnet's prefix.
function createNetwork() {
  const prefix = freeSubnet();
  podman(["network", "create", "--internal", "--disable-dns", "--subnet", `${prefix}0/24`, network]);
  const file = path.join(work, "networks", `${network}.json`);
  const conf = JSON.parse(fs.readFileSync(file, "utf8"));
  conf.network_interface = network;
  fs.writeFileSync(file, JSON.stringify(conf, null, 2));
  return prefix;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Resolves to "timeout" after ms without keeping node alive once the race it is in is decided.
const deadline = (ms) => new Promise((r) => setTimeout(r, ms, "timeout").unref());

async function until(what, fn, seconds) {
  for (let i = 0; i < seconds * 4; i++) {
    if (fn()) return;
    await sleep(250);
  }
  throw new Error(`timed out after ${seconds}s waiting for ${what}`);
}

function writeYaml(name, docs) {
  const file = path.join(work, name);
  fs.writeFileSync(file, docs.map((d) => YAML.stringify(d)).join("---\n"));
  return file;
}

function state(container) {
  const r = podman(["inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", container], { mayFail: true });
  return r.status === 0 ? r.stdout.trim() : "";
}

function startedAt(container) {
  return BigInt(podman(["inspect", "--format", "{{.State.StartedAt.UnixNano}}", container]).stdout.trim());
}

let failures = 0;
function check(what, ok, detail) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}${ok ? "" : `: ${detail}`}`);
  if (!ok) failures++;
}

async function main() {
  if (!stack) skip("usage: smoke.js STACK_BINARY");
  if (process.getuid() !== 0) skip("podman kube play with private storage needs root here");
  for (const tool of ["podman", "tar", "ldd"]) if (!which(tool)) skip(`${tool} is not installed`);
  for (const f of ["/bin/busybox", "/bin/nc.openbsd", "/bin/dash"])
    if (!fs.existsSync(f)) skip(`${f} is missing (packages busybox-static, netcat-openbsd, dash)`);
  writePodmanConfig();
  const info = podman(["info", "--format", "{{.Host.CgroupManager}}"], { mayFail: true });
  if (info.status !== 0) skip(`podman does not start with a private configuration: ${info.stderr.trim()}`);
  buildImage();

  const out = path.join(work, "manifests.yaml");
  execFileSync(stack, ["-f", fixture, "export", "k8s", "--wait-image", image, "-o", out],
               { env: { ...process.env, SMOKE_PORT: String(port), SMOKE_DELAY: String(STORE_DELAY), SMOKE_IMAGE: image }, stdio: ["ignore", "inherit", "ignore"] });
  const docs = YAML.parseAllDocuments(fs.readFileSync(out, "utf8")).map((d) => d.toJS());
  const byKind = (k) => docs.filter((d) => d.kind === k);
  const configs = [...byKind("ConfigMap"), ...byKind("Secret")];
  const workload = (name) => docs.find((d) => (d.kind === "Deployment" || d.kind === "Job") && d.metadata.name === name);
  const prefix = createNetwork();
  // Each Service's pods get a fixed address, and every pod's /etc/hosts (hostAliases) maps the
  // Service's name to it: the stand-in for cluster DNS, so the waits dial the names the export
  // wrote. The network publishes no ports: containerPort would ask podman for a host port.
  const serviceIp = new Map(byKind("Service").map((svc, i) => [svc.metadata.name, `${prefix}${10 + i}`]));
  const hostAliases = [...serviceIp].map(([name, ip]) => ({ ip, hostnames: [name] }));
  for (const d of docs)
    if (d.spec && d.spec.template) {
      const spec = d.spec.template.spec;
      for (const c of spec.containers || []) {
        delete c.ports;
        // podman 4.3 joins an exec probe's words with spaces into a CMD-SHELL test, so an
        // explicit ["/bin/sh", "-c", script] would run `sh -c "/bin/sh -c test ..."`: give it the
        // script, which its CMD-SHELL runs through /bin/sh -c as the exec probe would.
        for (const probe of ["readinessProbe", "livenessProbe", "startupProbe"]) {
          const cmd = c[probe] && c[probe].exec && c[probe].exec.command;
          if (cmd && cmd.length === 3 && cmd[0] === "/bin/sh" && cmd[1] === "-c") c[probe].exec.command = [cmd[2]];
        }
      }
      spec.hostAliases = [...(spec.hostAliases || []), ...hostAliases];
      // podman 4.3 removes a "once" init container right after it exits and sometimes finds it
      // still running, which fails the whole pod: keep the finished init containers instead.
      for (const meta of [d.metadata, d.spec.template.metadata])
        meta.annotations = { ...(meta.annotations || {}), "io.podman.annotations.init.container.type": "always" };
    }
  const asPod = (job) => ({ apiVersion: "v1", kind: "Pod", metadata: { ...job.spec.template.metadata, name: job.metadata.name },
                            spec: job.spec.template.spec });
  const play = (name, file) => ["kube", "play", "--network", serviceIp.has(name) ? `${network}:ip=${serviceIp.get(name)}` : network, file];

  podman(["kube", "play", "--network", network, writeYaml("claims.yaml", byKind("PersistentVolumeClaim"))]);
  // app first: its init container must hold it back until store, played later, answers.
  const appPlay = spawn("podman", play("app", writeYaml("app.yaml", [...configs, workload("app")])), { env, stdio: ["ignore", "ignore", "pipe"] });
  background = appPlay;
  let appErr = "";
  appPlay.stderr.on("data", (b) => { appErr += b; });
  const appExit = new Promise((resolve) => appPlay.on("exit", resolve));
  await until("app's init container to report it waits for store", () =>
    (podman(["logs", "app-pod-0-wait-store"], { mayFail: true }).stdout.match(/waiting for store/g) || []).length >= 3, 60);
  check("app is held back while store is absent", !state("app-pod-0-app").startsWith("running"), state("app-pod-0-app"));
  podman(play("store", writeYaml("store.yaml", [...configs, workload("store")])));
  const code = await Promise.race([appExit, deadline(90000)]);
  check("app's kube play finishes once its init container saw store answer", code === 0, `exit ${code} ${appErr}`);
  await until("app to run", () => state("app-pod-0-app").startsWith("running"), 30);
  // store's command sleeps STORE_DELAY seconds before it listens.
  const storeStarted = startedAt("store-pod-0-store"), appStarted = startedAt("app-pod-0-app");
  check(`app started only once store could answer (${STORE_DELAY}s after store started)`,
        appStarted > storeStarted + BigInt(STORE_DELAY) * 1000000000n, `app ${appStarted}, store ${storeStarted}`);

  podman(play("once", writeYaml("once.yaml", [...configs, asPod(workload("once"))])));
  await until("the Job's pod to finish", () => state("once-once").startsWith("exited"), 60);
  check("the Job's pod exits 0", state("once-once").split(" ")[1] === "0", state("once-once"));

  await until("app to write its output", () => podman(["exec", "app-pod-0-app", "cat", "/data/out"], { mayFail: true }).status === 0, 20);
  const outText = podman(["exec", "app-pod-0-app", "cat", "/data/out"]).stdout.trim();
  check("env: environment and env_file (ConfigMap) reach the container", outText === "greeting=hello from stack token=from-env-file", outText);
  // podman 4.3 ignores subPath on configMap volumes and mounts the whole map at mountPath.
  const confMount = workload("app").spec.template.spec.containers[0].volumeMounts.find((m) => m.mountPath === "/etc/app.conf");
  let conf = podman(["exec", "app-pod-0-app", "cat", "/etc/app.conf"], { mayFail: true });
  if (/Is a directory/.test(conf.stderr))
    conf = podman(["exec", "app-pod-0-app", "cat", `/etc/app.conf/${confMount.subPath}`], { mayFail: true });
  check("config: the ConfigMap's key reaches its target", conf.stdout === "mode=cluster\n", conf.stdout + conf.stderr);
  const job = podman(["exec", "app-pod-0-app", "cat", "/data/job"], { mayFail: true });
  check("volume: the Job wrote into the claim app mounts", job.stdout.trim() === "job ran", job.stdout + job.stderr);
  for (const name of ["app", "store"]) {
    const c = `${name}-pod-0-${name}`;
    const probe = workload(name).spec.template.spec.containers[0].readinessProbe.exec.command.join(" ");
    const test = JSON.parse(podman(["inspect", "--format", "{{json .Config.Healthcheck.Test}}", c]).stdout);
    const hc = podman(["healthcheck", "run", c], { mayFail: true });
    check(`probe: ${c} runs the readiness probe's command (${probe}) and passes it`,
          hc.status === 0 && test.slice(1).join(" ").startsWith(probe),
          `test ${JSON.stringify(test)}, run: exit ${hc.status} ${hc.stdout}${hc.stderr}`);
  }
}

let background = null;  // a kube play still waiting holds podman's locks: stop it first

function cleanup() {
  if (process.env.SMOKE_KEEP) return console.log(`kept ${work}`);
  if (background && background.exitCode === null) background.kill("SIGKILL");
  podman(["pod", "rm", "-fa", "-t", "0"], { mayFail: true });
  podman(["volume", "rm", "-fa"], { mayFail: true });
  podman(["network", "rm", "-f", network], { mayFail: true });
  podman(["system", "reset", "-f"], { mayFail: true });
  // podman leaves its storage's own mount point behind.
  const mounts = fs.readFileSync("/proc/mounts", "utf8").split("\n").map((l) => l.split(" ")[1])
    .filter((m) => m && m.startsWith(work + "/")).sort().reverse();
  for (const m of mounts) spawnSync("umount", [m]);
  fs.rmSync(work, { recursive: true, force: true });
}

main().then(
  () => { cleanup(); process.exitCode = failures ? 1 : 0; },
  (e) => { console.error(e.stack || String(e)); cleanup(); process.exitCode = 1; });
