#!/usr/bin/env bash
# scripts/kernel.sh — builds (or fetches from cache) the VyomaOS kernel.
#
#   scripts/kernel.sh [OUT]     prints the path of the cached bzImage; with OUT
#                               also copies it there.
#
# Source: Debian's linux-source-6.1 (/usr/src/linux-source-6.1.tar.xz),
# installed with apt-get if missing.  Config: `make allnoconfig
# KCONFIG_ALLCONFIG=image/kernel.config`: exactly the fragment's options, with
# every other one off (the fragment turns on EXPERT, so even the options that
# are otherwise forced on are off unless it names them).
# The tree lives outside the repo in ~/.cache/vyoma/linux-<version>-<hash>/,
# keyed by the source package version and the fragment's hash, because a full
# build takes ~10 minutes on 2 cores; an unchanged key takes milliseconds.
# Progress goes to stderr; the full build log to <tree>/build.log.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
frag=$here/image/kernel.config
out=${1:-}
pkg=linux-source-6.1
tarball=/usr/src/linux-source-6.1.tar.xz
cache=${VYOMA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vyoma}

say() { printf 'kernel: %s\n' "$*" >&2; }

if [[ ! -f $tarball ]]; then
    say "installing $pkg and build deps (apt-get)"
    sudo=; [[ $(id -u) -ne 0 ]] && sudo=sudo
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y \
        --no-install-recommends $pkg flex bison bc libelf-dev libssl-dev xz-utils >&2
fi
for t in flex bison bc; do
    command -v $t >/dev/null || { say "missing build tool: $t (apt-get install flex bison bc libelf-dev libssl-dev)"; exit 1; }
done

ver=$(dpkg-query -W -f='${Version}' $pkg 2>/dev/null || stat -c %Y "$tarball")
# "allconfig": how the fragment is applied is part of the key too
hash=$( { cat "$frag"; echo "$ver"; echo allconfig; } | sha256sum | cut -c1-12)
tree=$cache/linux-${ver//[^A-Za-z0-9.+-]/_}-$hash
img=$tree/arch/x86/boot/bzImage
stamp=$tree/.vyoma-built

# One build at a time per cache: a second caller waits, then finds the stamp.
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9

if [[ -f $stamp && -f $img ]]; then
    say "cached: $img"
else
    mkdir -p "$cache"
    if [[ ! -f $tree/Makefile ]]; then
        say "extracting $tarball -> $tree"
        tmp=$(mktemp -d "$cache/extract.XXXXXX")
        # The tarball's top dir is linux-source-6.1/; strip it so the tree
        # lands directly under the keyed name.
        tar -xJf "$tarball" -C "$tmp" --strip-components=1
        rm -rf "$tree"; mv "$tmp" "$tree"
    fi
    cd "$tree"
    say "configuring (allnoconfig KCONFIG_ALLCONFIG=$(basename "$frag"))"
    make ARCH=x86_64 allnoconfig KCONFIG_ALLCONFIG="$frag" >build.log 2>&1
    # Report fragment options Kconfig dropped (unmet dependencies), so a
    # silently missing driver is visible.
    miss=$(grep -E '^CONFIG_[A-Z0-9_]+=y' "$frag" | while read -r l; do
        grep -qx "$l" .config || echo "${l%%=*}"; done | tr '\n' ' ')
    [[ -n $miss ]] && say "warning: not set (unmet dependencies): $miss"
    n=$(nproc)
    say "building bzImage with -j$n (log: $tree/build.log)"
    start=$SECONDS
    # Progress: one line per 200 compiled objects, so a 10-minute build is
    # not silent but the terminal is not flooded.
    # pipefail makes the pipeline fail when make does.
    if ! make ARCH=x86_64 -j"$n" bzImage 2>&1 | tee -a build.log |
            awk '/ CC /{n++; if (n%200==0) {printf "kernel: %d objects compiled\n", n > "/dev/stderr"}}' ||
            [[ ! -f $img ]]; then
        say "build failed, see $tree/build.log"; tail -20 build.log >&2; exit 1
    fi
    touch "$stamp"
    say "built in $((SECONDS-start)) s: $(stat -c %s "$img") bytes"
fi

if [[ -n $out ]]; then
    mkdir -p "$(dirname "$out")"
    cp "$img" "$out"
fi
echo "$img"
