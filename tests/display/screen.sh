#!/usr/bin/env bash
# tests/display/screen.sh — the display inside a real vyomad: a scratch root
# with a headless-display profile and test apps (tests/display/apps/*.c:
# ticker, flooder, badraw), driven by tests/display/screen.py over the
# control socket and `vyctl screenshot`.  VYOMA_ASAN=1 uses the sanitizer
# build of vyomad.  Prints PASS/FAIL lines through tests/lib.sh (label
# display-screen or display-screen-asan); exits 1 if anything failed.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
t_init display-screen
. tests/supervisor/py_cases.sh
for b in vyomad vyctl; do
  if [ ! -x "$T_BIN/$b" ] && [ ! -x build/bin/$b ]; then
    fail build "$T_BIN/$b missing (make all asan)"; t_end; exit
  fi
done
command -v python3 >/dev/null || { skip all "no python3"; t_end; exit; }

OUT=build/display-tests
mkdir -p "$OUT"
for src in tests/display/apps/*.c; do
  name=$(basename "$src" .c)
  if [ ! -e "$OUT/$name.wasm" ] || [ "$src" -nt "$OUT/$name.wasm" ] ||
     [ sdk/vyoma.h -nt "$OUT/$name.wasm" ]; then
    if ! clang --target=wasm32-wasi --sysroot=/usr -O2 -Isdk -o "$OUT/$name.wasm" \
        "$src" 2>"$OUT/$name.err"; then
      fail "build-$name" "$(head -1 "$OUT/$name.err")"; t_end; exit
    fi
  fi
done

ROOT=$(mktemp -d /tmp/vyoma-display.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT/apps" "$ROOT/profiles"
# app NAME WASM CAPABILITY-LINES
app() {
  mkdir -p "$ROOT/apps/$1"
  cp "$OUT/$2.wasm" "$ROOT/apps/$1/$2.wasm"
  printf '[app]\nname = "%s"\nversion = "1.0.0"\nmodule = "%s.wasm"\n\n[capabilities]\n%s\n\n[resources]\nmemory = "2MiB"\n\n[lifecycle]\nrestart = "never"\n' \
    "$1" "$2" "$3" >"$ROOT/apps/$1/vyoma.toml"
}
app ticker ticker $'display = true\ninput = true'
app flooder flooder 'display = true'
app badraw badraw $'display = true\ninput = true'
app nodisp badraw ''
# a small draw budget, so the flooder meets it however slow the build is
printf 'name = "screen"\ndisplay = true\ndisplay_backend = "headless"\nheartbeat = "1s"\ndraw_commands = 2000\ndraw_pixels = 20000000\napps = ["*"]\n' \
  >"$ROOT/profiles/screen.toml"
printf 'name = "dark"\ndisplay = false\napps = ["nodisp"]\n' >"$ROOT/profiles/dark.toml"
printf 'name = "focus"\ndisplay = true\ndisplay_backend = "headless"\napps = ["ticker", "badraw"]\n' \
  >"$ROOT/profiles/focus.toml"

py_cases screen.py < <(VYOMAD=$T_BIN/vyomad VYCTL=build/bin/vyctl ROOT=$ROOT \
  python3 tests/display/screen.py 2>&1)
t_end
