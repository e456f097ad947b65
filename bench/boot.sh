#!/usr/bin/env bash
# bench/boot.sh — how fast VyomaOS boots and how little memory it needs
# (`make bench-boot`; figures only, never pass/fail).
#
#   boot time   BOOT_RUNS boots (default 5) of build/image with the default
#               profile: seconds from QEMU's start, and from the kernel's
#               start (vyomad's "N apps, N started (X s after kernel start)"
#               line), until every autostart app runs.  Median, min, max.
#   memory      the smallest -m (in MiB, bisected between 16 and 128) with
#               which the image boots and starts every app.
#   sizes       bzImage, initramfs, vyomad (stripped), each app module.
# Software emulation (TCG) unless /dev/kvm is usable.
# Progress on stderr: how long it will take (the last run's time, kept in
# build/bench/boot-seconds-RUNS, or from the number of boots), then "[I/N] ...
# (T elapsed)" before each boot, and the total at the end.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
QEMU=${QEMU:-qemu-system-x86_64}
RUNS=${BOOT_RUNS:-5}
bench_start=$SECONDS
say() { printf 'bench-boot: %s\n' "$*" >&2; }
dur() { if (($1 >= 60)); then printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); else printf '%ds' "$1"; fi; }
# the bisection from 16..128 to 4 MiB takes 5 boots
NBOOT=$((RUNS + 5)) nboot=0
step() { nboot=$((nboot + 1)); say "[$nboot/$NBOOT] $* ... ($(dur $((SECONDS - bench_start))) elapsed)"; }
make -s build || exit 1
mkdir -p build/bench
last=$(cat build/bench/boot-seconds-$RUNS 2>/dev/null)
if [[ $last =~ ^[0-9]+$ ]]; then say "about $(dur "$last") (the last run): $RUNS boots, then 5 bisecting the memory"
else say "about $(dur $((NBOOT * 5))) (a rough figure): $NBOOT boots ($RUNS, then 5 bisecting the memory), ~5s each, at most 60s"; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# boot MEM_MIB: prints "QEMU_S KERNEL_S" once all apps started, or "fail"
boot() {
  cp --sparse=always build/image/data.img "$tmp/data.img"
  local log=$tmp/serial.log start
  : >"$log"
  start=$(date +%s.%N)
  "$QEMU" -kernel build/image/bzImage -initrd build/image/initramfs.cpio.gz \
    -append "$(cat build/image/cmdline) vyoma.console=all panic=-1" \
    -drive file="$tmp/data.img",format=raw,if=virtio \
    -vga none -device virtio-gpu-pci -display none -monitor none \
    -serial file:"$log" -m "$1"M -no-reboot 2>/dev/null &
  local pid=$! end=$((SECONDS + 60)) line=
  while ((SECONDS < end)) && kill -0 $pid 2>/dev/null; do
    line=$(grep -m1 -oE '[0-9]+ apps, [0-9]+ started \([0-9.]+ s after kernel' "$log")
    [[ -n $line ]] && break
    sleep 0.02
  done
  local now; now=$(date +%s.%N)
  kill $pid 2>/dev/null; wait $pid 2>/dev/null
  local n=${line%% apps*} k=${line#*, }; k=${k%% started*}
  if [[ -z $line || $n != "$k" ]] || grep -qE 'Kernel panic|Out of memory|oom-kill|app [a-z-]+ crashed' "$log"; then
    echo fail; return
  fi
  awk -v s="$start" -v e="$now" -v k="$(echo "$line" | grep -oE '[0-9]+\.[0-9]+')" \
    'BEGIN{printf "%.2f %.2f\n", e-s, k}'
}

stats() {  # label, values on stdin
  sort -n | awk -v l="$1" '{v[NR]=$1} END{if(!NR){print l": no data"; exit}
    m = NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2
    printf "%s: median %.2f s (min %.2f, max %.2f, %d boots)\n", l, m, v[1], v[NR], NR}'
}

echo "sizes:"
printf '  bzImage            %9d B\n' "$(stat -c %s build/image/bzImage)"
printf '  initramfs.cpio.gz  %9d B\n' "$(stat -c %s build/image/initramfs.cpio.gz)"
printf '  vyomad (stripped)  %9d B\n' "$(stat -c %s build/image/rootfs/init)"
for w in build/image/rootfs/apps/*/*.wasm; do
  printf '  %-18s %9d B\n' "$(basename "$w")" "$(stat -c %s "$w")"
done

: >"$tmp/q"; : >"$tmp/k"
for ((i = 1; i <= RUNS; i++)); do
  step "boot $i of $RUNS, 128 MiB"
  r=$(boot 128)
  [[ $r == fail ]] && { echo "boot $i failed"; continue; }
  echo "${r% *}" >>"$tmp/q"; echo "${r#* }" >>"$tmp/k"
done
stats "boot to all apps, from QEMU start " <"$tmp/q"
stats "boot to all apps, from kernel start" <"$tmp/k"

lo=16 hi=128     # hi boots (checked above), lo is assumed not to
while ((hi - lo > 4)); do
  mid=$(((lo + hi) / 2))
  step "memory: boot with $mid MiB (between $lo and $hi)"
  if [[ $(boot $mid) != fail ]]; then hi=$mid; else lo=$mid; fi
done
echo "smallest VM memory that boots with all apps: ${hi} MiB (bisected to 4 MiB; $lo MiB failed)"
echo $((SECONDS - bench_start)) >build/bench/boot-seconds-$RUNS
say "done in $(dur $((SECONDS - bench_start)))"
