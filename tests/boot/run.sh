#!/usr/bin/env bash
# tests/boot/run.sh — boots the VyomaOS image in QEMU (headless, software
# emulation) and drives it over the serial console:
#   boot/kernel          the kernel starts and runs /init (vyomad as PID 1)
#   boot/apps-started    vyomad logs "N apps, N started" with N > 0
#   boot/data-mounted    the data disk was mounted (no "no data disk" line)
#   boot/shell-ps        typing "ps" into the focused shell lists the apps
#   boot/poweroff        typing "poweroff" shuts down in order and QEMU exits
#   boot/clean           no kernel panic, no "init ... killed", no vyomad crash
# The data disk is a throw-away copy, so the user's build/image/data.img is
# never changed.  SKIPs (with the reason) when qemu-system-x86_64 is missing
# or the kernel has never been built (its first build takes ~10 minutes:
# run `make build` once).  VYOMA_ASAN does not apply: /init is a static musl
# binary.  Timeouts are generous for emulation without KVM.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
export LC_ALL=C

nfail=0
pass() { echo "PASS boot/$1"; }
fail() { echo "FAIL boot/$1: $2"; nfail=$((nfail + 1)); }
skip() { echo "SKIP boot/$1: $2"; }
skip_all() {
  for t in kernel apps-started data-mounted shell-ps poweroff clean; do skip $t "$1"; done
  exit 0
}

QEMU=${QEMU:-qemu-system-x86_64}
command -v "$QEMU" >/dev/null || skip_all "$QEMU not installed (Debian qemu-system-x86)"
command -v cpio >/dev/null || skip_all "cpio not installed"
[[ -f /usr/src/linux-source-6.1.tar.xz ]] || skip_all "linux-source-6.1 not installed"
# A cache miss would mean a 10-minute kernel build inside the test run.
if ! ls "${VYOMA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vyoma}"/linux-*/.vyoma-built >/dev/null 2>&1 &&
   [[ ! -f build/image/bzImage ]]; then
  skip_all "kernel not built yet (run: make build)"
fi
if ! out=$(make -s build 2>&1); then
  echo "$out" | tail -20
  fail kernel "make build failed"; exit 1
fi

tmp=$(mktemp -d)
qpid=
cleanup() {
  [[ -n $qpid ]] && kill "$qpid" 2>/dev/null
  exec 3>&- 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
cp --sparse=always build/image/data.img "$tmp/data.img"
mkfifo "$tmp/in"
log=$tmp/serial.log
: >"$log"

start=$(date +%s.%N)
"$QEMU" -kernel build/image/bzImage -initrd build/image/initramfs.cpio.gz \
  -append "console=ttyS0 vyoma.profile=${IMAGE_PROFILE:-desktop-full} panic=-1" \
  -drive file="$tmp/data.img",format=raw,if=virtio \
  -display none -monitor none -serial stdio -m 128M -no-reboot \
  <"$tmp/in" >"$log" 2>&1 &
qpid=$!
exec 3>"$tmp/in"          # keeps QEMU's stdin open until we close it

# wait_for REGEX SECONDS [BYTE]: true once the serial log from byte BYTE on
# (default: the start) matches.
wait_for() {
  local end=$((SECONDS + $2)) from=${3:-1}
  while ((SECONDS < end)); do
    tail -c +"$from" "$log" | grep -qE "$1" && return 0
    kill -0 "$qpid" 2>/dev/null || { tail -c +"$from" "$log" | grep -qE "$1"; return; }
    sleep 0.2
  done
  return 1
}
keep_log() { cp "$log" build/image/boot-test.log 2>/dev/null; }

if wait_for 'Run /init as init process|vyomad' 60; then pass kernel
else fail kernel "no /init in 60 s (log: build/image/boot-test.log)"; keep_log; exit 1; fi

if wait_for '[0-9]+ apps, [0-9]+ started' 60; then
  t=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}')
  line=$(grep -oE '[0-9]+ apps, [0-9]+ started' "$log" | head -1)
  n=${line##*, }; n=${n%% *}
  if ((n > 0)); then pass "apps-started"; echo "     ($line, ${t} s after QEMU start)"
  else fail apps-started "$line"; fi
else
  fail apps-started "no \"N apps, N started\" in 60 s"; keep_log; exit 1
fi

if grep -q 'no data disk' "$log" || grep -qE 'mount ext4 on /data' "$log"; then
  fail data-mounted "$(grep -E 'no data disk|mount ext4' "$log" | head -1)"
else pass data-mounted; fi

# Let the shell reach its read of stdin, then type at the console.
sleep 2
before=$(wc -c <"$log")
printf 'ps\n' >&3
if wait_for 'pong' 20 $((before + 1)); then pass shell-ps
else fail shell-ps "no app list after typing ps"; fi

sleep 0.5
printf 'poweroff\n' >&3
end=$((SECONDS + 45))
while kill -0 "$qpid" 2>/dev/null && ((SECONDS < end)); do sleep 0.2; done
if kill -0 "$qpid" 2>/dev/null; then
  fail poweroff "QEMU still running 45 s after poweroff"
else
  wait "$qpid"; rc=$?; qpid=
  if grep -q 'reboot: Power down' "$log"; then pass poweroff
  else fail poweroff "QEMU exited ($rc) without 'reboot: Power down'"; fi
fi

if grep -qE 'Kernel panic|Attempted to kill init|segfault|AddressSanitizer|Assertion' "$log"; then
  fail clean "$(grep -E 'Kernel panic|Attempted to kill init|segfault|Assertion' "$log" | head -1)"
else pass clean; fi

keep_log          # the last serial log, for reading after a failure or a change
exit $((nfail > 0))
