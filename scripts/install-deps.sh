#!/usr/bin/env bash
# Installs the Debian packages stack needs to build, test and run. Idempotent; quiet when
# everything is already there. Run as root.
set -euo pipefail
packages=(
  cmake g++ make pkg-config ccache     # toolchain
  libyaml-cpp-dev                      # the stack file parser
  libboost-dev libboost-filesystem-dev libboost-system-dev   # Asio, Process
  libspdlog-dev libfmt-dev             # logging and formatting
  libnl-3-dev libnl-route-3-dev        # netlink: bridges, veths, addresses, routes
  libnftables-dev                      # egress masquerade (header; libnftables is dlopen()ed)
  libseccomp-dev libcap-dev            # the container's seccomp filter and capabilities
  nlohmann-json3-dev                   # JSON output and state files
  libssl-dev                           # SHA-256 of the config hash, TLS (libcrypto.a: static)
  libcli11-dev                         # the command line
  libarchive-dev                       # image layers: tar with gzip/zstd, whiteouts, xattrs
  catch2                               # tests
  clang libclang-rt-14-dev             # the loader fuzz target (libFuzzer)
  busybox-static                       # the demo's and the tests' minimal root filesystem
  keyutils                             # container tests: keyctl must fail inside (seccomp)
  iproute2 python3 procps time bc      # tests inspect links and namespaces; demo HTTP; bench timing
  docker-registry skopeo               # image tests: a real registry on loopback, images pushed to it
  apache2-utils                        # pull tests: htpasswd -B makes the registry's bcrypt password file
  podman                               # export/build tests: manifests and saved images run in podman
  tmux                                 # exec tests drive an interactive shell through a pseudo-terminal
  nodejs                               # the Kubernetes manifest validator (ajv on kubernetes-types)
  netcat-openbsd                       # k8s smoke image: an nc with -z for the init-container waits (busybox-static has none)
  netavark iptables                    # k8s smoke: podman's internal test network (recommends only: not pulled in here)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Node's own packages bring npm; Debian's nodejs does not.
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
