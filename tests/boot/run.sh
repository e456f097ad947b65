#!/usr/bin/env bash
# tests/boot/run.sh — boots the VyomaOS image in QEMU (headless, software
# emulation) and drives it over the serial console:
#   boot/kernel          the kernel starts and runs /init (vyomad as PID 1)
#   boot/apps-started    vyomad logs "N apps, N started" with N > 0
#   boot/data-mounted    the data disk was mounted (no "no data disk" line)
#   boot/shell-ps        typing "ps" into the focused shell lists the apps
#   boot/display         vyomad drives the virtio GPU through DRM
#   boot/screendump      QEMU's screendump shows at least 3 windows with
#                        title bars holding their titles, and the status bar
#   boot/keyboard        keys pressed on the VM's keyboard (monitor sendkey)
#                        reach the shell through evdev: "ps" lists the apps
#   boot/poweroff        typing "poweroff" shuts down in order and QEMU exits
#   boot/clean           no kernel panic, no "init ... killed", no vyomad crash
#   boot/fs-write        test app fswriter (filesystem = true) writes
#                        /data/boot-1.txt on the data disk
#   boot/fs-denied       test app fsprobe (no grant) cannot open /data and
#                        has no preopens at all
#   boot/second-boot     a second boot with the same data disk starts the
#                        apps and powers off cleanly
#   boot/fs-persist      ... and fswriter finds boot-1.txt from the first boot
# Updates (issue 14; docs/ota.md), three more boots.  The test makes a key
# pair (the test image carries its public key: the appended archive's
# /etc/vyoma/ota.pub replaces the product one) and, with `make bundle`,
# bundles v2 (a supervisor built to say 2.0.0, the critical test app
# otaprobe saying "system v2"), v3 (otaprobe crashes on start) and v4, all
# with a 3 s health window in their desktop-hal profile; debugfs puts them
# in /data/updates on the data disk copy:
#   boot/ota-apply       boot 1 (factory, 1.0.0): the shell's `ota apply
#                        /data/updates/v2.vyb` installs v2 into slot-a
#   boot/ota-v2-runs     boot 2: the boot stage runs slot-a's supervisor
#                        ("vyomad 2.0.0 starting"), v2's otaprobe runs
#   boot/ota-v2-commits  ... it passes its health check: committed; then
#                        `ota apply` installs v3 into slot-b
#   boot/ota-v3-fails    boot 3: v3's otaprobe crash-loops, the trial fails
#                        and vyomad reboots (QEMU exits: -no-reboot)
#   boot/ota-rollback    boot 4: v2 is back by itself; `ota status` says why
#                        v3 failed
#   boot/ota-power-cut   ... boot 4 has VYOMA_OTA_FAULT=40 on the kernel
#                        command line: the apply of v4 ends PID 1 mid-write
#                        (the kernel panics, QEMU stops: a power cut); boot
#                        5 runs v2 committed, slot-b is not bootable, no
#                        half-written slot is left, and it powers off cleanly
# The console (issue 12):
#   boot/kernel-quiet    the command line says quiet and loglevel=N, vyomad
#                        sets the profile's console_loglevel, and no kernel
#                        line ("[ seconds] ...", printk.time=1) appears on
#                        the console after the shell's banner
#   boot/focus-window    with the display the keys go first to an app with
#                        a window, not the windowless shell; Ctrl-A l lists
#                        the apps and Ctrl-A with the shell's number moves
#                        the keys to it (the cases below type to the shell)
# The hardware (issue 13), in the first boot: the profile desktop-hal names
# the board boards/qemu-x86.toml (gpio-sim, i2c-stub, the IIO dummy, the
# second serial port ttyS1) and starts the hardware apps; the test looks at
# the lines from outside with the shell's hal verb (peek / poke):
#   boot/hal-board       typing "hal" lists the board's devices
#   boot/hal-blink       blink's line 0 is seen at both levels, and blink
#                        logs its toggle counts
#   boot/hal-button      poking button line 4 high / low: button logs
#                        pressed / released with the edge's timestamp and
#                        LED line 1 follows
#   boot/hal-thermostat  i2c-stub's register 0 set to 26.00 C, then 22.00 C
#                        (hal i2c 0:0x48 write ...): relay line 2 goes on,
#                        then off
#   boot/hal-logger      (after the poweroff) logger's log.txt on the data
#                        disk holds the thermostat's readings and changes
#   boot/hal-adc         adc-log logs the IIO dummy's channel
#   boot/hal-uart        bytes written to ttyS1 come back upper-cased
#   boot/hal-denied      the test app halprobe (granted line 5, 0:0x50) is
#                        refused line 0 and 0:0x48 "not granted", stays up,
#                        and blink keeps toggling
#   boot/hal-spi         SKIP: the x86 VM has no SPI controller
# Each boot prints "    boot time: X.XX s" (QEMU start to "N apps, N
# started"; informational, not asserted).
# The test apps (tests/boot/apps/*: main.c + vyoma.toml) go into the test's
# initramfs only: it is the product build/image/initramfs.cpio.gz with a
# second cpio archive appended (the kernel unpacks concatenated archives).
# The data disk is a throw-away copy, so the user's build/image/data.img is
# never changed.  SKIPs (with the reason) when qemu-system-x86_64 is missing
# or the kernel has never been built (its first build takes ~10 minutes:
# run `make build` once).  VYOMA_ASAN does not apply: /init is a static musl
# binary.  Timeouts are generous for emulation without KVM.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
export LC_ALL=C

. tests/lib.sh
T_LABEL=boot      # not t_init: VYOMA_ASAN does not apply here
skip_all() {
  for t in kernel apps-started data-mounted kernel-quiet focus-window shell-ps display screendump keyboard poweroff clean \
           fs-write fs-denied hal-board hal-blink hal-button hal-thermostat hal-adc hal-uart hal-denied hal-spi \
           hal-logger second-boot fs-persist ota-apply ota-v2-runs ota-v2-commits ota-v3-fails \
           ota-rollback ota-power-cut; do skip $t "$1"; done
  t_end; exit
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
  fail kernel "make build failed"; t_end; exit
fi

tmp=$(mktemp -d)
qpid= upid=
cleanup() {
  [[ -n $qpid ]] && kill "$qpid" 2>/dev/null
  [[ -n $upid ]] && kill "$upid" 2>/dev/null
  exec 3>&- 4>&- 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# The test initramfs: product image + the test apps.
WASI_CC=${WASI_CC:-clang}
mkdir -p "$tmp/extra/apps"
for d in tests/boot/apps/*/; do
  a=$(basename "$d")
  mkdir -p "$tmp/extra/apps/$a"
  cp "$d/vyoma.toml" "$tmp/extra/apps/$a/"
  if ! out=$("$WASI_CC" --target=wasm32-wasi --sysroot=/usr -O2 -Wall -Wextra -Werror \
      -Isdk -Wl,--strip-all -o "$tmp/extra/apps/$a/$a.wasm" "$d"/*.c 2>&1); then
    echo "$out" | tail -20
    fail fs-write "cannot build test app $a"; t_end; exit
  fi
done

# The update bundles (see the top), signed with a key of the test's own,
# whose public half the test image carries.  bundle V OTAPROBE-ARG [make
# options]: $tmp/bundle/vyoma-V.vyb, the test apps in it too (a slot's apps
# replace the initramfs's).
ota_bundle() {
  local v=$1 arg=$2 t=$tmp/b-$1
  shift 2
  mkdir -p "$t/profiles" && cp -r "$tmp/extra/apps" "$t/" &&
    sed -i "s/^args = .*/args = [\"$arg\"]/" "$t/apps/otaprobe/vyoma.toml" &&
    { cat profiles/desktop-hal.toml; echo 'ota_health_window = "3s"'; } >"$t/profiles/desktop-hal.toml" &&
    make -s bundle VERSION="$v" PROFILE=desktop-hal OTA_KEY_DIR="$tmp/keys" \
      BUNDLE_DIR="$tmp/bundle" BUNDLE_EXTRA="$t" "$@" >"$tmp/bundle-$v.log" 2>&1
}
mkdir -p "$tmp/keys" "$tmp/extra/etc/vyoma"
if ! { make -s build/bin/vyoma-bundle >/dev/null 2>&1 &&
       build/bin/vyoma-bundle keygen --out "$tmp/keys" --name ota-dev >/dev/null &&
       cp "$tmp/keys/ota-dev.pub" "$tmp/extra/etc/vyoma/ota.pub" &&
       ota_bundle 2.0.0 v2 && ota_bundle 3.0.0 crash BUNDLE_VYOMAD="$tmp/bundle/tree-2.0.0/vyomad" &&
       ota_bundle 4.0.0 v4 BUNDLE_VYOMAD="$tmp/bundle/tree-2.0.0/vyomad"; }; then
  tail -20 "$tmp"/bundle-*.log 2>/dev/null
  fail ota-apply "cannot make the update bundles"; t_end; exit
fi
(cd "$tmp/extra" && find apps etc -mindepth 1 | sort | cpio -o -H newc -R 0:0 --quiet | gzip -9n) \
  >"$tmp/extra.cpio.gz"
cat build/image/initramfs.cpio.gz "$tmp/extra.cpio.gz" >"$tmp/initramfs.cpio.gz"

cp --sparse=always build/image/data.img "$tmp/data.img"
# the bundles on the data disk, /data/updates (no app's /data reaches it)
printf 'mkdir updates\nwrite %s updates/v2.vyb\nwrite %s updates/v3.vyb\nwrite %s updates/v4.vyb\n' \
  "$tmp/bundle/vyoma-2.0.0.vyb" "$tmp/bundle/vyoma-3.0.0.vyb" "$tmp/bundle/vyoma-4.0.0.vyb" |
  debugfs -w -f - "$tmp/data.img" >/dev/null 2>&1
mkfifo "$tmp/in"
log=$tmp/serial.log
# The VM's second serial port (ttyS1, uart-echo's): QEMU's pipe chardev
# reads what we write into uart.in and writes what the guest sends into
# uart.out (it opens both FIFOs read-write, so it never blocks on them);
# a cat copies uart.out into uart.log.
mkfifo "$tmp/uart.in" "$tmp/uart.out"
ulog=$tmp/uart.log

# start_qemu: boots the test image on $tmp/data.img, serial log in $log,
# typed input through fd 3; ttyS1's output in $ulog, its input through fd 4.
start_qemu() {
  : >"$log"
  : >"$ulog"
  cat "$tmp/uart.out" >>"$ulog" &
  upid=$!
  start=$(date +%s.%N)
  "$QEMU" -kernel build/image/bzImage -initrd "$tmp/initramfs.cpio.gz" \
    -append "$(cat build/image/cmdline) vyoma.profile=${IMAGE_PROFILE:-desktop-hal} vyoma.console=all panic=-1${append:-}" \
    -drive file="$tmp/data.img",format=raw,if=virtio \
    -vga none -device virtio-gpu-pci -display none \
    -monitor unix:"$tmp/monitor.sock",server=on,wait=off \
    -serial stdio -serial pipe:"$tmp/uart" -m 128M -no-reboot \
    <"$tmp/in" >"$log" 2>&1 &
  qpid=$!
  exec 3>"$tmp/in"          # keeps QEMU's stdin open until we close it
  exec 4<>"$tmp/uart.in"    # read-write: never blocks, even before QEMU
}

# wait_for REGEX SECONDS [BYTE]: true once the serial log from byte BYTE on
# (default: the start) matches.
wait_for() {
  local end=$((SECONDS + $2)) from=${3:-1}
  while ((SECONDS < end)); do
    tail -c +"$from" "$log" | grep -qE "$1" && return 0
    kill -0 "$qpid" 2>/dev/null || { tail -c +"$from" "$log" | grep -qE "$1"; return; }
    sleep 0.05
  done
  return 1
}
keep_log() { cp "$log" "build/image/boot-test${1:-}.log" 2>/dev/null; }

# wait_started: waits for "N apps, N started"; sets $started_line and
# $boot_time (seconds since QEMU start, measured when the line is seen).
wait_started() {
  started_line= boot_time=
  wait_for '[0-9]+ apps, [0-9]+ started' 60 || return 1
  boot_time=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.2f", e-s}')
  started_line=$(grep -oE '[0-9]+ apps, [0-9]+ started' "$log" | head -1)
  kernel_time=$(grep -oE 'started \([0-9.]+ s after kernel start' "$log" | head -1 |
                grep -oE '[0-9]+\.[0-9]+')
}

# monitor CMD...: QEMU monitor commands, one at a time.
monitor() {
  python3 - "$tmp/monitor.sock" "$@" <<'PY' 2>/dev/null
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
for cmd in sys.argv[2:]:
    s.sendall((cmd + "\n").encode())
    time.sleep(0.2)
time.sleep(0.3)
s.close()
PY
}

# screendump FILE: QEMU's monitor writes the guest's screen as a PPM.
screendump() {
  rm -f "$1"
  monitor "screendump $1"
  local end=$((SECONDS + 20))
  while ((SECONDS < end)) && [[ ! -s $1 ]]; do sleep 0.2; done
  sleep 0.3                       # written whole once the command is done
  [[ -s $1 ]]
}

# power_off: types poweroff and waits for QEMU to exit; sets $off_err.
power_off() {
  off_err=
  printf 'poweroff\n' >&3
  local end=$((SECONDS + 45))
  while kill -0 "$qpid" 2>/dev/null && ((SECONDS < end)); do sleep 0.2; done
  if kill -0 "$qpid" 2>/dev/null; then
    off_err="QEMU still running 45 s after poweroff"
    kill "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null; qpid=
  else
    wait "$qpid"; local rc=$?; qpid=
    grep -q 'reboot: Power down' "$log" || off_err="QEMU exited ($rc) without 'reboot: Power down'"
  fi
  exec 3>&-
}

crash_re='Kernel panic|Attempted to kill init|segfault|AddressSanitizer|Assertion'

# ---- first boot: fresh data disk
start_qemu
if wait_for 'Run /init as init process|vyomad' 60; then pass kernel
else fail kernel "no /init in 60 s (log: build/image/boot-test.log)"; keep_log; t_end; exit; fi

if wait_started; then
  n=${started_line##*, }; n=${n%% *}
  if ((n > 0)); then pass "apps-started"; echo "     ($started_line)"
  else fail apps-started "$started_line"; fi
  echo "    boot time: $boot_time s from QEMU start, ${kernel_time:-?} s from kernel start (boot 1)"
else
  fail apps-started "no \"N apps, N started\" in 60 s"; keep_log; t_end; exit
fi

if grep -q 'no data disk' "$log" || grep -qE 'mount ext4 on /data' "$log"; then
  fail data-mounted "$(grep -E 'no data disk|mount ext4' "$log" | head -1)"
else pass data-mounted; fi

# ---- the console: a quiet kernel, the first focus, moving it to the shell
# focus_shell: Ctrl-A l, then Ctrl-A and the number the list gives shell;
# true once vyomad says the keys go to the shell.
focus_shell() {
  local from n
  from=$(wc -c <"$log")
  printf '\001l' >&3
  wait_for '[ *] [0-9] shell \(' 10 $((from + 1)) || return 1
  n=$(tail -c +$((from + 1)) "$log" | grep -aoE '[ *] [0-9] shell \(' | head -1 | cut -c3)
  from=$(wc -c <"$log")
  printf '\001%s' "$n" >&3
  wait_for 'keys go to shell' 10 $((from + 1))
}
# kernel_lines: kernel messages on the console after the shell's banner
kernel_lines() {
  sed -n '/VyomaOS shell; type help/,$p' "$log" | grep -aE '\[ *[0-9]+\.[0-9]{6}\] '
}
wait_for 'keys go to ' 10
first_focus=$(grep -aoE 'keys go to [a-z0-9-]+' "$log" | head -1)
if [[ -n $first_focus && $first_focus != "keys go to shell" ]] && focus_shell; then
  pass focus-window; echo "     (first: ${first_focus#keys go to })"
else fail focus-window "first '${first_focus:-no focus line}', then no move to the shell"; fi

# Let the shell reach its read of stdin, then type at the console.
sleep 2
before=$(wc -c <"$log")
printf 'ps\n' >&3
# the reply is the ps table (issue 12), a line per app: "shell  running ..."
if wait_for 'shell +running +[0-9]' 20 $((before + 1)); then pass shell-ps
else fail shell-ps "no app list after typing ps"; fi

# The test apps ran at start-up; by now they have printed and exited.
if wait_for 'fswriter: wrote /data/boot-1.txt: boot 1' 10 &&
   grep -q 'fswriter: no previous boot' "$log"; then pass fs-write
else fail fs-write "$(grep -m1 'fswriter' "$log" || echo 'no output from fswriter')"; fi

if wait_for 'fsprobe: (no preopens|preopen fd)' 10 &&
   grep -q 'fsprobe: open /data: ' "$log" && grep -q 'fsprobe: no preopens' "$log"; then
  pass fs-denied
else fail fs-denied "$(grep -m1 -E 'fsprobe: (opened|preopen fd)' "$log" ||
                       grep -m1 'fsprobe' "$log" || echo 'no output from fsprobe')"; fi

# The display: vyomad opened the virtio GPU through DRM, and QEMU's
# screendump shows the display apps' windows, each with a title bar (the
# compositor's title colours, chrome/compositor.c) holding light title text,
# and the status bar's strip across the top.
if grep -qE 'display: drm /dev/dri/card[0-9] [0-9]+x[0-9]+' "$log"; then pass display
else fail display "$(grep -m1 'display:' "$log" || echo 'no display line')"; fi
sleep 2
if screendump "$tmp/screen.ppm"; then
  cp "$tmp/screen.ppm" build/image/boot-screen.ppm 2>/dev/null
  if why=$(python3 - "$tmp/screen.ppm" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
parts = data.split(maxsplit=4)
assert parts[0] == b"P6", "not a P6 PPM"
w, h = int(parts[1]), int(parts[2])
px = parts[4][:w * h * 3]
def at(x, y):
    i = 3 * (y * w + x)
    return tuple(px[i:i + 3])
TITLE = {(0x3a, 0x3a, 0x3a), (0x24, 0x46, 0x6b)}
DESK = (0x1c, 0x22, 0x30)
# rows with many title-coloured pixels form bands; inside a band, columns
# where that colour fills a third of the band (title text never covers
# more) form bars; the borders and gap between two windows split them
title = [[at(x, y) in TITLE for x in range(w)] for y in range(h)]
bands, y = [], 0
while y < h:
    if sum(title[y]) >= 100:
        y0 = y
        while y < h and sum(title[y]) >= 100:
            y += 1
        if y - y0 >= 12:
            bands.append((y0, y))
    y += 1
bars = []
for y0, y1 in bands:
    cols = [sum(title[y][x] for y in range(y0, y1)) * 3 >= (y1 - y0) for x in range(w)]
    x = 0
    while x < w:
        if cols[x]:
            x0, gap = x, 0
            while x < w and gap <= 3:
                gap = 0 if cols[x] else gap + 1
                x += 1
            x1 = x - gap
            if x1 - x0 >= 40:
                bars.append((x0, y0, x1, y1))
        x += 1
with_text = [b for b in bars
             if sum(1 for y in range(b[1], b[3]) for x in range(b[0], b[2])
                    if max(at(x, y)) > 150) >= 20]
top = sum(1 for x in range(w) if at(x, 5) != DESK)
print("%dx%d, %d title bars (%d with text), status bar %d px wide" %
      (w, h, len(bars), len(with_text), top))
sys.exit(0 if len(with_text) >= 3 and top > w // 2 else 1)
PY
  ); then pass screendump; echo "     ($why)"
  else fail screendump "$why (image: build/image/boot-screen.ppm)"; fi
else fail screendump "QEMU's screendump wrote nothing"; fi

# The graphical console's keyboard: keys pressed on the VM's PS/2 keyboard
# (QEMU's sendkey) reach the focused shell through evdev and the router.
before=$(wc -c <"$log")
monitor "sendkey p" "sendkey s" "sendkey ret"
if wait_for 'shell +running +[0-9]' 20 $((before + 1)); then pass keyboard
else fail keyboard "no app list after pressing p s Enter on the VM's keyboard"; fi

sleep 0.5
# the console stayed free of kernel lines from the banner to here
if ! grep -qw quiet build/image/cmdline || ! grep -qE 'loglevel=[0-7]' build/image/cmdline ||
   ! grep -qw 'printk.time=1' build/image/cmdline; then
  fail kernel-quiet "command line: $(cat build/image/cmdline)"
elif ! grep -qaE 'vyomad: console: kernel log level [0-7]' "$log"; then
  fail kernel-quiet "vyomad did not set the kernel log level"
elif kernel_lines >/dev/null; then
  fail kernel-quiet "after the banner: $(kernel_lines | head -1 | tr -d '\r')"
else pass kernel-quiet; fi

# ---- the hardware (issue 13): the profile's board, boards/qemu-x86.toml,
# made of the VM's simulated devices (gpio-sim lines, i2c-stub's register
# bank at 0:0x48, the IIO dummy ADC, ttyS1), driven by the hardware apps and
# looked at from outside through the shell's hal verb (vyctl hal's
# peek/poke: on gpio-sim a line's sysfs value, whoever owns the line).
# hal ARGS...: types "hal ARGS" to the shell; prints the supervisor's reply
# lines ("[sys] ...", the shell's print of "@sys: ..."), once one came.
hal() {
  local from
  from=$(wc -c <"$log")
  printf 'hal %s\n' "$*" >&3
  wait_for '\[sys\] ' 10 $((from + 1)) || return 1
  sleep 0.3                       # the rest of a several-line answer
  tail -c +$((from + 1)) "$log" | grep -aoE '\[sys\] .*' | tr -d '\r'
}
# peek LINE: the line's level as the outside sees it, 0 or 1 (else empty)
peek() { hal gpio "$1" | grep -m1 -aoE "\\[sys\\] gpio $1 [01]" | grep -oE '[01]$'; }
# levels LINE N: N peeks, as one string ("0110..."); the gaps between them
# vary, so that no peek rate (which the load sets) can alias with a
# toggling line's and see one level only
levels() {
  local i s= gaps=(0.1 0.45 0.25 0.6)
  for ((i = 0; i < $2; i++)); do s+=$(peek "$1"); sleep "${gaps[i % 4]}"; done
  echo "$s"
}
# wait_level LINE LEVEL SECONDS: true once a peek of LINE says LEVEL
wait_level() {
  local end=$((SECONDS + $3))
  while ((SECONDS < end)); do
    [[ $(peek "$1") == "$2" ]] && return 0
    sleep 0.5
  done
  return 1
}

# the board as vyomad opened and brought it up, its devices, their owners
out=$(hal)
if grep -q 'board qemu-x86: bring-up done' "$log" && grep -q '\[sys\] board qemu-x86 (linux)' <<<"$out" &&
   grep -q '\[sys\] gpio 0 blink' <<<"$out" && grep -q '\[sys\] i2c 0:0x48 thermostat' <<<"$out"; then
  pass hal-board; echo "     ($(grep -cE '\[sys\] (gpio|i2c|spi|uart|adc) [0-9a-zS]+ (chip|name|/)' <<<"$out") devices, $(grep -cE '\[sys\] [a-z0-9]+ [0-9a-zS:x]+ [a-z][a-z0-9-]*$' <<<"$out") owned)"
else fail hal-board "$(grep -am1 'vyomad: board' "$log" | tr -d '\r'); hal said: $(head -3 <<<"$out" | tr '\n' '|')"; fi

# blink toggles line 0 every 500 ms: 8 peeks see both levels
s=$(levels 0 8)
if [[ $s == *0* && $s == *1* ]] && wait_for 'blink: line 0: [0-9]+ toggles' 10; then
  pass hal-blink; echo "     (levels $s)"
else fail hal-blink "line 0 read ${s:-nothing}; $(grep -am1 'blink:' "$log" | tr -d '\r' || echo 'no blink log')"; fi

# button mirrors line 4 (poked from outside: the gpio-sim line's pull)
# onto LED line 1, and logs each edge
from=$(wc -c <"$log")
hal gpio 4 1 >/dev/null
if wait_for 'button: pressed at [0-9]+\.[0-9]{9} s' 10 $((from + 1)) && wait_level 1 1 5; then
  from=$(wc -c <"$log")
  hal gpio 4 0 >/dev/null
  if wait_for 'button: released at ' 10 $((from + 1)) && wait_level 1 0 5; then pass hal-button
  else fail hal-button "no release seen on line 1"; fi
else fail hal-button "$(grep -am1 'button:' "$log" | tr -d '\r' || echo 'no button log'); line 1: $(peek 1)"; fi

# thermostat: i2c-stub is a bank of registers; register 0 written as the
# two bytes 0x1a 0x00 reads back, MSB first, as 26.00 C (0x1a0 * 0.0625),
# above the relay's 25.0; 0x16 0x00 is 22.00 C, below its 23.0
from=$(wc -c <"$log")
hal i2c 0:0x48 write 0x00 0x1a 0x00 >/dev/null
if wait_for 'thermostat: relay on: 26\.00 above 25\.00' 15 $((from + 1)) && wait_level 2 1 5; then
  from=$(wc -c <"$log")
  hal i2c 0:0x48 write 0x00 0x16 0x00 >/dev/null
  if wait_for 'thermostat: relay off: 22\.00 below 23\.00' 15 $((from + 1)) && wait_level 2 0 5; then
    # the bytes as the thermostat gets them: register 0, MSB first
    pass hal-thermostat "register 0 reads $(hal i2c 0:0x48 read 0 2 | grep -m1 -aoE '0x48 0x[0-9a-f]{2} 0x[0-9a-f]{2}' | cut -d' ' -f2-)"
  else fail hal-thermostat "no relay off at 22.00 C: $(grep -a 'thermostat:' "$log" | tail -1 | tr -d '\r'); line 2: $(peek 2)"; fi
else fail hal-thermostat "no relay on at 26.00 C: $(grep -a 'thermostat:' "$log" | tail -1 | tr -d '\r'); line 2: $(peek 2)"; fi

# adc-log reads the IIO dummy's in_voltage0 (raw 73 until written)
if wait_for 'adc-log: 0:0 raw=-?[0-9]+ mV=-?[0-9]+' 10; then
  pass hal-adc; echo "     ($(grep -aoE 'raw=-?[0-9]+ mV=-?[0-9]+' "$log" | head -1))"
else fail hal-adc "$(grep -am1 'adc-log:' "$log" | tr -d '\r' || echo 'no adc-log log')"; fi

# uart-echo upper-cases what arrives on ttyS1 and sends it back
printf 'vyoma uart 42\n' >&4
if wait_for 'uart-echo: ttyS1: [0-9]+ bytes echoed' 10 && {
     end=$((SECONDS + 10))
     until grep -q 'VYOMA UART 42' "$ulog" || ((SECONDS >= end)); do sleep 0.2; done
     grep -q 'VYOMA UART 42' "$ulog"; }; then pass hal-uart
else fail hal-uart "ttyS1 sent back '$(tr -d '\r\n' <"$ulog" | head -c 60)'; $(grep -a 'uart-echo:' "$log" | tail -1 | tr -d '\r' || echo 'no uart-echo log')"; fi

# halprobe, granted line 5 and 0:0x50, is refused blink's line 0 and the
# thermostat's sensor, and stays up; blink still toggles afterwards
if wait_for 'halprobe: done' 10 &&
   grep -qa 'halprobe: gpio 5 (granted): ok' "$log" &&
   grep -qa 'halprobe: gpio 0 (not granted): not granted' "$log" &&
   grep -qa 'halprobe: i2c 0:0x48 (not granted): not granted' "$log" &&
   grep -qa 'vyomad: app halprobe: gpio line 0 not granted' "$log"; then
  s=$(levels 0 6)
  from=$(wc -c <"$log")
  printf 'ps\n' >&3
  if ! wait_for 'halprobe +running' 10 $((from + 1)); then fail hal-denied "halprobe is not running"
  elif [[ $s == *0* && $s == *1* ]]; then pass hal-denied
  else fail hal-denied "blink's line 0 stopped toggling: $s"; fi
else fail hal-denied "$(grep -a 'halprobe:' "$log" | tr -d '\r' | tr '\n' '|' || echo 'no halprobe log')"; fi

# the update to v2, from the shell (granted ota)
from=$(wc -c <"$log")
printf 'ota apply /data/updates/v2.vyb\n' >&3
if wait_for '\[sys\] slot-a now holds 2\.0\.0' 60 $((from + 1)); then pass ota-apply
else fail ota-apply "$(tail -c +$((from + 1)) "$log" | grep -a 'ota' | tail -2 | tr -d '\r' | tr '\n' '|')"; fi

skip hal-spi "no SPI controller in the x86 VM (spidev is built, no /dev/spidev appears); SPI is tested on the simulated board (tests/capability)"

power_off
if [[ -z $off_err ]]; then pass poweroff; else fail poweroff "$off_err"; fi

if grep -qE "$crash_re" "$log"; then
  fail clean "$(grep -E "$crash_re" "$log" | head -1)"
else pass clean; fi
keep_log          # the last serial log, for reading after a failure or a change

# logger got the thermostat's readings and relay changes over IPC and wrote
# them to its /data/log.txt, which is logger/log.txt on the data disk
llog=$(debugfs -R 'cat /logger/log.txt' "$tmp/data.img" 2>/dev/null | tr -d '\r')
if grep -q 'thermostat: temp=26.00 relay=on' <<<"$llog" &&
   grep -q 'thermostat: temp=22.00 relay=off' <<<"$llog" &&
   grep -q 'thermostat: relay on: 26.00 above 25.00' <<<"$llog"; then
  pass hal-logger; echo "     ($(grep -c 'thermostat: temp=' <<<"$llog") readings in logger's log)"
else fail hal-logger "logger/log.txt: $(grep 'thermostat:' <<<"$llog" | tail -2 | tr '\n' '|')"; fi

# ---- updates: v2 runs and commits (in the second boot), v3 fails, the cut
# ota_second_boot: v2's supervisor and apps run, commit; v3 is applied
ota_second_boot() {
  if grep -qa "ota: running slot-a's supervisor /data/.ota/slot-a/vyomad" "$log" &&
     grep -qa 'vyomad 2\.0\.0 starting' "$log" && wait_for 'otaprobe: system v2' 20; then
    pass ota-v2-runs
  else fail ota-v2-runs "$(grep -a 'ota:\|vyomad .* starting\|otaprobe' "$log" | head -4 | tr -d '\r' | tr '\n' '|')"; fi
  local from
  if wait_for 'ota: slot-a 2\.0\.0 committed' 60; then
    from=$(wc -c <"$log")
    printf 'ota apply /data/updates/v3.vyb\n' >&3
    if wait_for '\[sys\] slot-b now holds 3\.0\.0' 60 $((from + 1)); then pass ota-v2-commits
    else fail ota-v2-commits "v3 not applied: $(tail -c +$((from + 1)) "$log" | grep -a ota | tail -2 | tr -d '\r' | tr '\n' '|')"; fi
  else fail ota-v2-commits "no 'ota: slot-a 2.0.0 committed'"; fi
}

# wait_exit SECONDS: QEMU has exited by itself (a reboot under -no-reboot)
wait_exit() {
  local end=$((SECONDS + $1))
  while kill -0 "$qpid" 2>/dev/null && ((SECONDS < end)); do sleep 0.2; done
  if kill -0 "$qpid" 2>/dev/null; then kill "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null; qpid=; exec 3>&-; return 1; fi
  wait "$qpid" 2>/dev/null; qpid=; exec 3>&-
}

ota_boots() {
  # boot 3: v3 on trial; its critical app crash-loops; vyomad reboots
  start_qemu
  if wait_for 'failed its trial: critical app otaprobe' 120 && wait_exit 60 &&
     grep -qa 'rebooting into the previous system' "$log"; then pass ota-v3-fails
  else fail ota-v3-fails "$(grep -a 'ota:' "$log" | tail -3 | tr -d '\r' | tr '\n' '|')"; wait_exit 1; fi
  keep_log -3
  # boot 4: v2 again by itself; then the apply of v4 is cut
  append=" VYOMA_OTA_FAULT=40" start_qemu
  local ok=0 from
  if wait_started && grep -qa 'system version 2\.0\.0' "$log"; then
    focus_shell; sleep 0.5
    from=$(wc -c <"$log")
    printf 'ota status\n' >&3
    wait_for '\[sys\] last failure: 3\.0\.0: slot-b: critical app otaprobe' 20 $((from + 1)) && ok=1
  fi
  if ((ok)); then pass ota-rollback
  else fail ota-rollback "$(grep -a 'ota:\|last failure' "$log" | tail -3 | tr -d '\r' | tr '\n' '|')"; fi
  printf 'ota apply /data/updates/v4.vyb\n' >&3
  wait_exit 90
  local cut=0
  grep -qa 'ota: applying /data/updates/v4.vyb' "$log" && grep -qa 'Attempted to kill init' "$log" && cut=1
  keep_log -4
  # boot 5: after the cut
  start_qemu
  ok=0
  if ((cut)) && wait_started && grep -qa 'system version 2\.0\.0' "$log"; then
    focus_shell; sleep 0.5
    from=$(wc -c <"$log")
    printf 'ota status\n' >&3
    wait_for '\[sys\] slot-a: 2\.0\.0 committed' 20 $((from + 1)) &&
      ! tail -c +$((from + 1)) "$log" | grep -qa 'slot-b: 4\.0\.0' && ok=1
    sleep 0.5
    power_off
    [[ -n $off_err ]] && ok=0
    grep -qE "$crash_re" "$log" && ok=0
    debugfs -R 'ls /.ota' "$tmp/data.img" 2>/dev/null | grep -q 'slot-b.new' && ok=0
  fi
  if ((ok)); then pass ota-power-cut
  else fail ota-power-cut "cut=$cut; $(grep -a 'ota:\|slot-' "$log" | tail -4 | tr -d '\r' | tr '\n' '|')"
    [[ -n $qpid ]] && { kill "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null; qpid=; exec 3>&-; }; fi
  keep_log -5
}

# ---- second boot: the same data disk, as the first boot left it
start_qemu
if wait_started; then
  echo "    boot time: $boot_time s from QEMU start, ${kernel_time:-?} s from kernel start (boot 2)"
  wait_for 'fswriter: wrote ' 20
  focus_shell     # poweroff is typed to the shell
  sleep 0.5
  ota_second_boot
  power_off
  if [[ -n $off_err ]]; then fail second-boot "$off_err"
  elif grep -qE "$crash_re" "$log"; then fail second-boot "$(grep -E "$crash_re" "$log" | head -1)"
  else pass second-boot; fi
else
  fail second-boot "no \"N apps, N started\" in 60 s"
  kill "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null; qpid=; exec 3>&-
fi
if grep -q 'fswriter: found /data/boot-1.txt: boot 1' "$log" &&
   grep -q 'fswriter: wrote /data/boot-2.txt: boot 2' "$log"; then pass fs-persist
else fail fs-persist "$(grep -m1 'fswriter' "$log" || echo 'no output from fswriter')"; fi
keep_log -2

ota_boots
t_end
