#!/usr/bin/env bash
# deps.sh — installs the Debian 12 packages VyomaOS needs, and nothing when
# they are all present (one dpkg-query call, well under a second), so every
# make target can run it first.
#
#   scripts/deps.sh [GROUP...]     default: all groups
#
# Groups:
#   build  C toolchain (gcc; clang with its sanitizer/libFuzzer runtimes),
#          wabt (wast2json, wat2wasm, wasm2c), cJSON for vw-spec, python3
#          (test helpers: JSON checks, a pty driver), prometheus and curl
#          (promtool lints the metrics; a real server scrapes vyomad)
#   wasm   C -> wasm32-wasi for the sample apps (clang + wasi-libc + runtime)
#   os     static supervisor (musl), stb image/PNG headers, the DejaVu font,
#          libsodium (Ed25519 for OTA bundles, also in the static vyomad)
#   node   Node.js, the reference WASI host (skipped when node is on PATH)
#   bench  hyperfine for `make bench`
#   image  the kernel source and its build tools, cpio, mke2fs, QEMU
#   npm    the pinned npm tools in tools/npm (jco: WebAssembly components),
#          `npm ci` into tools/npm/node_modules when it is missing or older
#          than tools/npm/package-lock.json (after the Debian packages)
set -euo pipefail

group_pkgs() {
  case "$1" in
    build) echo build-essential clang lld libclang-rt-14-dev wabt libcjson-dev python3 \
                prometheus curl ;;
    wasm)  echo clang lld wasi-libc libclang-rt-14-dev-wasm32 ;;
    os)    echo musl-tools libstb-dev fonts-dejavu-core libdrm-dev libsodium-dev ;;
    node)  command -v node >/dev/null 2>&1 || echo nodejs ;;
    bench) echo hyperfine ;;
    image) echo linux-source-6.1 flex bison bc libelf-dev libssl-dev cpio \
                xz-utils e2fsprogs qemu-system-x86 ;;
    npm)   ;; # (npm_tools below)
    *) echo "deps.sh: unknown group '$1' (build wasm os node bench image npm)" >&2
       return 1 ;;
  esac
}

# The npm tools: npm records what it installed in node_modules/.package-lock.json,
# which is newer than the lock file unless the lock changed since.
npm_tools() {
  local dir tools
  dir=$(dirname "$0")/../tools/npm
  tools=$dir/node_modules/.package-lock.json
  [ -f "$tools" ] && [ ! "$dir/package-lock.json" -nt "$tools" ] && return 0
  command -v npm >/dev/null 2>&1 || { echo "deps.sh: npm needs node (group node)" >&2; return 1; }
  echo "deps.sh: npm ci in tools/npm"
  npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
}

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(build wasm os node bench image npm)
# the end: the npm tools when asked for, after the Debian packages
finish() {
  if printf '%s\n' "${groups[@]}" | grep -qx npm; then npm_tools; fi
  exit 0
}

want=()
for g in "${groups[@]}"; do
  # shellcheck disable=SC2207
  want+=($(group_pkgs "$g"))
done
[ ${#want[@]} -gt 0 ] || finish

# Installed packages print "ii"; unknown ones print nothing (and complain on
# stderr, which is expected here).
installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${want[@]}" \
            2>/dev/null | awk '$2 == "ii" { print $1 }' || true)
missing=()
for p in "${want[@]}"; do
  grep -qx -- "$p" <<<"$installed" || missing+=("$p")
done
# de-duplicate (clang and lld sit in two groups)
if [ ${#missing[@]} -eq 0 ]; then finish; fi
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)

echo "deps.sh: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo
  else echo "deps.sh: need root to install: ${missing[*]}" >&2; exit 1; fi
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
# Tools only: no package installed here may start a service (prometheus
# would listen on :9090, its node exporter on :9100).  policy-rc.d is how
# Debian says so; one already there is the machine's own and stays.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  trap '$SUDO rm -f "$policy"' EXIT
fi
$SUDO apt-get update -q
$SUDO apt-get install -y -q "${missing[@]}" </dev/null
finish
