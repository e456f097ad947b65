#!/usr/bin/env bash
# bench/ota.sh — `make bench-ota`: figures of the update manager (ota/),
# never pass/fail.  For bundles of 1 MiB and 16 MiB (one big file of random
# bytes and a slot's usual few small ones), the median of BENCH_RUNS runs
# (default 5) of:
#   verify      vy_bundle_open + vy_bundle_verify (signature, every SHA-256)
#   apply       vy_ota_apply into a fresh OTADIR (every check, the slot
#               written and fsynced, the state saved)
# and, per update, the bytes written through ota_io (files + state) and
# the fault points passed, plus the peak memory of `vyoma-bundle verify`
# (/usr/bin/time %M): the reader streams, so it does not grow with size.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
B=${B:-build}
RUNS=${BENCH_RUNS:-5}
VB=$B/bin/vyoma-bundle
OB=$B/bin/ota-bench
for p in "$VB" "$OB"; do
  [ -x "$p" ] || { echo "bench/ota.sh: $p is missing (make bench-ota)" >&2; exit 1; }
done
d=$(mktemp -d "${TMPDIR:-/tmp}/vyota-bench-XXXXXX")
trap 'rm -rf "$d"' EXIT
"$VB" keygen --out "$d" >/dev/null || exit 1

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

printf '%-8s %12s %12s %16s %8s %14s\n' bundle verify_ms apply_ms bytes_written points verify_peak_kb
for mib in 1 16; do
  t=$d/tree-$mib
  mkdir -p "$t/apps/big" "$t/apps/clock" "$t/profiles"
  head -c $((mib * 1024 * 1024)) /dev/urandom >"$t/apps/big/big.wasm"
  printf 'wasm clock' >"$t/apps/clock/clock.wasm"
  printf '[app]\nname = "clock"\n' >"$t/apps/clock/vyoma.toml"
  printf '[profile]\n' >"$t/profiles/default.toml"
  cp "$VB" "$t/vyomad"
  "$VB" create --key "$d/vyoma-ota.key" --version 2.0.0 --arch x86_64 \
    --profile default "$t" "$d/b$mib.vyb" >/dev/null || exit 1
  v=() a=() bytes=0 points=0
  for _ in $(seq "$RUNS"); do
    v+=("$("$OB" verify "$d/vyoma-ota.pub" "$d/b$mib.vyb" | awk '{ print $2 }')")
    rm -rf "$d/ota"
    read -r _ ms _ bytes _ points < <("$OB" apply "$d/vyoma-ota.pub" "$d/b$mib.vyb" "$d/ota")
    a+=("$ms")
  done
  peak=-
  if [ -x /usr/bin/time ]; then
    peak=$( { /usr/bin/time -f %M "$VB" verify --pub "$d/vyoma-ota.pub" "$d/b$mib.vyb" >/dev/null; } 2>&1 | tail -1)
  fi
  printf '%-8s %12s %12s %16s %8s %14s\n' "${mib}MiB" \
    "$(printf '%s\n' "${v[@]}" | median)" "$(printf '%s\n' "${a[@]}" | median)" \
    "$bytes" "$points" "$peak"
done
echo "# medians of $RUNS runs; $(nproc) CPUs; OTADIR on $(df -T "$d" | awk 'NR == 2 { print $2 }')"
