#!/usr/bin/env bash
# tests/ota/run.sh — the update manager's suite (ota/ in libvyota.a).
#
#   ota/build             the library, vyoma-bundle and the test programs build
#   ota/unit/CASE         versions, paths, the manifest, bundles, keys, the
#                         state file (torn and garbage copies), status
#   ota/slots/CASE        an update's life: apply, boot, commit, fail,
#                         rollback, tries running out, leftovers
#   ota/bad/CASE          bad bundles: each refused with its own message,
#                         OTADIR unchanged
#   ota/fault/CASE        the power-cut walk over apply, boot, commit, fail;
#                         the injected-error walk over apply
#                         (the apply's points: build/test-logs/ota-fault-points.txt)
#   ota/cli/CASE          vyoma-bundle: keygen, create, verify, inspect, the
#                         refusals and exit codes
# With VYOMA_ASAN=1 the ASan/UBSan build (build/asan) is used and labels
# read ota-asan/...  Prints PASS/FAIL/SKIP lines; exits 1 if anything failed.
. "$(dirname "$0")/../lib.sh"
t_start ota
export OTA_POINTS_LOG=$T_LOGS/$T_LABEL-fault-points.txt
T_TIMEOUT=300 t_programs ota unit slots bad fault

# cli CASE WANT_STATUS WANT_TEXT CMD...: the status, and WANT_TEXT in the output
cli() {
  local name=$1 want=$2 text=$3 out rc; shift 3
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" -eq "$want" ] && grep -qF -- "$text" <<<"$out"; then
    pass "cli/$name"
  else
    fail "cli/$name" "exit status $rc (want $want), output: ${out//$'\n'/ | }"
  fi
}

if t_make cli "$T_BIN/vyoma-bundle"; then
  vb=$T_BIN/vyoma-bundle
  d=$(mktemp -d "${TMPDIR:-/tmp}/vyota-cli-XXXXXX")
  mkdir -p "$d/tree/apps/clock" "$d/tree/profiles" "$d/other"
  printf '#!/bin/sh\n' >"$d/tree/vyomad"
  printf 'wasm' >"$d/tree/apps/clock/clock.wasm"
  printf '[profile]\n' >"$d/tree/profiles/default.toml"
  cli help 0 "usage: vyoma-bundle keygen" "$vb" --help
  cli keygen 0 "$d/vyoma-ota.pub" "$vb" keygen --out "$d"
  cli keygen-mode 0 600 stat -c %a "$d/vyoma-ota.key"
  cli keygen-again 1 "$d/vyoma-ota.key: exists (a key is never overwritten)" \
    "$vb" keygen --out "$d"
  mkdir "$d/half" && : >"$d/half/k.pub"
  cli keygen-half 1 "$d/half/k.pub: exists" "$vb" keygen --out "$d/half" --name k
  cli keygen-half-none 1 "" test -e "$d/half/k.key"
  cli keygen-other 0 other.pub "$vb" keygen --out "$d/other" --name other
  cli create 0 "$d/b.vyb" "$vb" create --key "$d/vyoma-ota.key" --version 2.0.0 \
    --arch x86_64 --profile default --profile lab "$d/tree" "$d/b.vyb"
  cli verify 0 "$d/b.vyb: ok (version 2.0.0, x86_64, 3 files" \
    "$vb" verify --pub "$d/vyoma-ota.pub" "$d/b.vyb"
  cli verify-wrong-key 1 "signature does not verify" \
    "$vb" verify --pub "$d/other/other.pub" "$d/b.vyb"
  cli inspect 0 "profile lab" "$vb" inspect "$d/b.vyb"
  cli inspect-checked 0 "signature: good" "$vb" inspect --pub "$d/vyoma-ota.pub" "$d/b.vyb"
  cp "$d/b.vyb" "$d/flip.vyb"
  printf 'X' | dd of="$d/flip.vyb" bs=1 seek=$(($(stat -c %s "$d/b.vyb") - 1)) conv=notrunc 2>/dev/null
  cli verify-flip 1 "file vyomad does not match its SHA-256" \
    "$vb" verify --pub "$d/vyoma-ota.pub" "$d/flip.vyb"
  ln -s vyomad "$d/tree/link"
  cli create-link 1 "$d/tree/link: a symbolic link" "$vb" create --key "$d/vyoma-ota.key" \
    --version 2 --arch x86_64 --profile default "$d/tree" "$d/c.vyb"
  rm "$d/tree/link"
  cli create-no-tree 1 "$d/none: not a folder" "$vb" create --key "$d/vyoma-ota.key" \
    --version 2 --arch x86_64 --profile default "$d/none" "$d/c.vyb"
  cli create-bad-key 1 "$d/vyoma-ota.pub: not a secret key" "$vb" create \
    --key "$d/vyoma-ota.pub" --version 2 --arch x86_64 --profile default "$d/tree" "$d/c.vyb"
  cli usage-none 2 "no command" "$vb"
  cli usage-cmd 2 "unknown command" "$vb" frobnicate
  cli usage-create 2 "create needs" "$vb" create "$d/tree"
  cli usage-option 2 "bad arguments" "$vb" verify --bogus x
  cli not-bundle 1 "not a VyomaOS bundle (bad magic)" "$vb" verify --pub "$d/vyoma-ota.pub" "$vb"
  rm -rf "$d"
fi
if [ -s "$OTA_POINTS_LOG" ]; then
  echo "# fault points of an apply: $(wc -l <"$OTA_POINTS_LOG") ($(cut -d' ' -f2 "$OTA_POINTS_LOG" | sort | uniq -c | awk '{printf "%s%s %s", s, $1, $2; s=", "}'))"
fi
t_end
