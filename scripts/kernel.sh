#!/usr/bin/env bash
# scripts/kernel.sh — builds (or fetches from cache) the VyomaOS kernel.
#
#   scripts/kernel.sh [OUT]     prints the path of the cached bzImage; with OUT
#                               also copies it there, and the modules the
#                               fragment builds (=m) into OUT's folder's
#                               modules/ (flat: NAME.ko).
#
# Source: Debian's linux-source-6.1 (/usr/src/linux-source-6.1.tar.xz),
# installed with apt-get if missing.  Config: `make allnoconfig
# KCONFIG_ALLCONFIG=image/kernel.config`: exactly the fragment's options, with
# every other one off (the fragment turns on EXPERT, so even the options that
# are otherwise forced on are off unless it names them).
# The tree lives outside the repo in ~/.cache/vyoma/linux-<version>-<hash>/,
# keyed by the source package version and the fragment's hash, because a full
# build takes ~10 minutes on 2 cores; an unchanged key takes milliseconds.
# Progress goes to stderr; the full build log to <tree>/build.log.  A cache
# hit is one line.  A build says its phases, [1/3] extract, [2/3] configure,
# [3/3] compile, each with the time elapsed, and while compiling, every 200
# objects, "N/~TOTAL objects compiled (P%, T elapsed, ~T left)": TOTAL is
# the count of the last build in this cache (<tree>/.vyoma-objects, or the
# CC lines of its build.log), else KERNEL_OBJECTS, the approximate figure
# for this config.  VYOMA_CACHE=DIR uses another cache folder.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
frag=$here/image/kernel.config
out=${1:-}
pkg=linux-source-6.1
tarball=/usr/src/linux-source-6.1.tar.xz
cache=${VYOMA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vyoma}

# objects compiled (CC lines) by a full build of image/kernel.config in
# December 2026: 1121; only the estimate when the cache has no earlier build
KERNEL_OBJECTS=1120

say() { printf 'kernel: %s\n' "$*" >&2; }
t0=$SECONDS
dur() {  # seconds -> 45s, 3m07s
  local s=$1
  if ((s >= 60)); then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}
elapsed() { dur $((SECONDS - t0)); }

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
if ! flock -n 9; then
    say "another kernel build holds $cache/.lock; waiting for it"
    flock 9
fi

if [[ -f $stamp && -f $img ]]; then
    say "cache hit: $img (key $(basename "$tree"); nothing to build)"
else
    mkdir -p "$cache"
    # the estimate of the objects to compile: the newest earlier build's count
    total= from=
    for t in $(ls -dt "$cache"/linux-*/ 2>/dev/null); do
        t=${t%/}
        if [[ -s $t/.vyoma-objects ]]; then total=$(cat "$t/.vyoma-objects")
        elif [[ -f $t/.vyoma-built && -f $t/build.log ]]; then total=$(grep -c ' CC ' "$t/build.log" || true)
        else continue; fi
        [[ $total =~ ^[0-9]+$ && $total -gt 0 ]] && { from="the build in $(basename "$t")"; break; }
        total=
    done
    [[ -n $total ]] || { total=$KERNEL_OBJECTS from="approximate, for this config"; }
    say "not cached: building $(basename "$tree") (about 10 minutes on 2 cores, ~$total objects)"
    if [[ ! -f $tree/Makefile ]]; then
        say "[1/3] extract: $tarball -> $tree"
        tmp=$(mktemp -d "$cache/extract.XXXXXX")
        # The tarball's top dir is linux-source-6.1/; strip it so the tree
        # lands directly under the keyed name.
        tar -xJf "$tarball" -C "$tmp" --strip-components=1
        rm -rf "$tree"; mv "$tmp" "$tree"
    else
        say "[1/3] extract: $tree already there"
    fi
    cd "$tree"
    say "[2/3] configure: allnoconfig KCONFIG_ALLCONFIG=$(basename "$frag") ($(elapsed) elapsed)"
    make ARCH=x86_64 allnoconfig KCONFIG_ALLCONFIG="$frag" >build.log 2>&1
    # Report fragment options Kconfig dropped (unmet dependencies), so a
    # silently missing driver is visible.
    miss=$(grep -E '^CONFIG_[A-Z0-9_]+=y' "$frag" | while read -r l; do
        grep -qx "$l" .config || echo "${l%%=*}"; done | tr '\n' ' ')
    [[ -n $miss ]] && say "warning: not set (unmet dependencies): $miss"
    n=$(nproc)
    say "[3/3] compile: bzImage with -j$n, ~$total objects ($from; log: $tree/build.log; $(elapsed) elapsed)"
    # Progress: one line per 200 compiled objects, so a 10-minute build is
    # not silent but the terminal is not flooded.  The count is of this
    # run's compiles: a tree left half-built by an interrupted run starts
    # further on and ends below the estimate.
    # pipefail makes the pipeline fail when make does.
    c0=$SECONDS
    progress() {
        local line n=0 left
        while IFS= read -r line; do
            [[ $line == *" CC "* ]] || continue
            n=$((n + 1))
            ((n % 200 == 0)) || continue
            if ((n < total)); then
                # what is left, at this run's rate so far
                left=$(( (total - n) * (SECONDS - c0) / n ))
                say "$n/~$total objects compiled ($((100 * n / total))%, $(elapsed) elapsed, ~$(dur "$left") left)"
            else
                say "$n objects compiled (more than the ~$total estimated; $(elapsed) elapsed)"
            fi
        done
        echo "$n" >.vyoma-objects.run
    }
    # with CONFIG_MODULES the same make builds the =m modules too
    targets=bzImage; grep -qx 'CONFIG_MODULES=y' .config && targets="bzImage modules"
    if ! make ARCH=x86_64 -j"$n" $targets 2>&1 | tee -a build.log | progress ||
            [[ ! -f $img ]]; then
        say "build failed after $(elapsed), see $tree/build.log"; tail -20 build.log >&2; exit 1
    fi
    # the object count of a whole build (not the rest of an interrupted
    # one) is the next build's estimate
    compiled=$(cat .vyoma-objects.run); rm -f .vyoma-objects.run
    ((compiled < total / 2)) || echo "$compiled" >.vyoma-objects
    # the modules, flat, for the initramfs (modules.order lists them)
    rm -rf vyoma-modules; mkdir vyoma-modules
    if [[ -f modules.order ]]; then
        while read -r m; do m=${m%.ko}; cp "${m%.o}.ko" vyoma-modules/; done <modules.order
    fi
    touch "$stamp"
    say "built in $(elapsed): $(stat -c %s "$img") bytes, $compiled objects compiled"
fi

if [[ -n $out ]]; then
    mkdir -p "$(dirname "$out")"
    cp "$img" "$out"
    rm -rf "$(dirname "$out")/modules"
    cp -r "$tree/vyoma-modules" "$(dirname "$out")/modules"
fi
echo "$img"
