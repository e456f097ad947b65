#!/usr/bin/env bash
# tests/hal/vm.sh — the linux backend on the VM's real kernel devices:
# tests/hal/vm/vm_check.c, built static with musl-gcc as the /init of a
# small initramfs (with boards/qemu-x86.toml and the kernel's modules),
# booted in QEMU; its PASS/FAIL lines are relayed as hal-vm/CASE.
#   kernel: $VYOMA_KERNEL, else build/image/bzImage (make build), else
#   the newest finished tree of scripts/kernel.sh's cache; modules
#   from $VYOMA_MODULES, else modules/ next to it, else the kernel cache
#   tree's vyoma-modules/ (scripts/kernel.sh).  Without a kernel, or without
#   musl-gcc or QEMU, the case is skipped: this script never builds one.
# Called by tests/hal/run.sh in the normal build only (the static /init
# does not depend on the variant).
. "$(dirname "$0")/../lib.sh"
t_start hal
# run by tests/hal/run.sh: the same label
[ -n "${HAL_LABEL:-}" ] && T_LABEL=$HAL_LABEL
kernel=${VYOMA_KERNEL:-build/image/bzImage}
if [ -z "${VYOMA_KERNEL:-}" ] && [ ! -f "$kernel" ]; then
  # shellcheck disable=SC2012  # newest first; the names have no spaces
  tree=$(ls -dt "${VYOMA_CACHE:-$HOME/.cache/vyoma}"/linux-*/.vyoma-built 2>/dev/null | head -1)
  [ -n "$tree" ] && kernel=$(dirname "$tree")/arch/x86/boot/bzImage
fi
modules=${VYOMA_MODULES:-$(dirname "$kernel")/modules}
[ -d "$modules" ] || modules=$(dirname "$kernel")/../../../vyoma-modules
if [ ! -f "$kernel" ]; then
  skip vm "no kernel image ($kernel; make build, or VYOMA_KERNEL=bzImage)"
elif ! command -v musl-gcc >/dev/null || ! command -v qemu-system-x86_64 >/dev/null; then
  skip vm "needs musl-gcc and qemu-system-x86_64"
else
  root=$(mktemp -d "${TMPDIR:-/tmp}/vyhal-vm-XXXXXX")
  mkdir -p "$root"/{proc,sys,dev,boards,lib/modules}
  log=$T_LOGS/$T_LABEL-vm.log
  if ! musl-gcc -static -idirafter /usr/include -idirafter /usr/include/x86_64-linux-gnu \
      -std=gnu11 -Wall -Wextra -Werror -O2 -I. -o "$root/init" tests/hal/vm/vm_check.c \
      hal/*.c profile/*.c toml/*.c -lm -lpthread >"$log" 2>&1; then
    fail vm/build "the static /init does not build"; detail <"$log"
  else
    pass vm/build
    cp boards/qemu-x86.toml "$root/boards/"
    [ -d "$modules" ] && cp "$modules"/*.ko "$root/lib/modules/" 2>/dev/null
    (cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip) >"$root.cpio.gz"
    t_relay vm "$log" timeout -k 5 120 qemu-system-x86_64 -kernel "$kernel" \
      -initrd "$root.cpio.gz" -m 128M -display none -monitor none \
      -serial stdio -serial "file:$root/ttyS1.out" -no-reboot \
      -append "console=ttyS0 quiet panic=-1 hal.label=$T_LABEL/vm"
    if grep -qx 'vyoma-uart' "$root/ttyS1.out" 2>/dev/null; then
      pass vm/ttyS1-out
    else
      fail vm/ttyS1-out "ttyS1 did not carry what the HAL wrote"
    fi
  fi
  rm -rf "$root" "$root.cpio.gz"
fi
t_end
