#!/usr/bin/env bash
# tests/readme/run.sh — every ```sh block of README.md, docs/apps.md and
# docs/hal.md is run, so that the documents cannot drift from what the tree
# does; each ```toml block of the docs (a vyoma.toml example) must pass
# vyoma-manifest.
#
#   tests/readme/run.sh            README.md, docs/*.md above, the self-test
#   tests/readme/run.sh DOC...     only those documents (no self-test)
#
# A block runs as one `bash -e -o pipefail` script (the first failing
# command fails it), under a timeout of $README_TIMEOUT seconds (120), with
# its stdin empty, in a scratch folder of its own that holds a symbolic link
# to each top-level entry of the tree (so `make`, build/, apps/, profiles/
# are there, and files a block writes are not left in the tree).  Two
# rewrites keep blocks apart from each other and from other users of the
# machine: "/tmp" becomes the scratch folder's own tmp, and under
# VYOMA_ASAN=1 "build/bin/" becomes "build/asan/bin/".  What a block leaves
# running (a vyomad started with &) is ended with its process group.
#
# A block that cannot run in a test (it boots QEMU, runs the whole suite)
# has, on the line before its fence, `<!-- readme-test: skip (REASON) -->`
# and is reported "SKIP readme/DOC:LINE: REASON", never silently left out.
# Any other readme-test comment is a FAIL.  Case names are DOC:LINE, the
# line of the opening fence.
#
# display-strip checks the README's display example names bar as the status
# bar; docs/manifest-reference that docs/apps.md's table of manifest keys is
# the one generated from the schema (tools/vyoma/docs.sh --check).
#
# The self-test (case self-test/broken) runs this script on a document with
# one broken command and one skipped block, and passes only if that gives
# exactly one FAIL and one SKIP and the exit status 1.
. "$(dirname "$0")/../lib.sh"
t_start readme
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
timeout_s=${README_TIMEOUT:-120}
root=$PWD

# blocks DOC: one line "LINE^_SKIP-REASON-OR-EMPTY^_FILE" (^_ is \037: a tab
# would not keep an empty field apart) per ```sh
# block, its text written to FILE under $tmp/blocks/; a bad marker gives a
# reason starting with "bad marker:".
blocks() {
  mkdir -p "$tmp/blocks"
  awk -v dir="$tmp/blocks" -v tag="$(echo "$1" | tr '/.' '__')" '
    function reset() { mark = ""; }
    /^<!-- readme-test:/ {
      if (match($0, /^<!-- readme-test: skip \(([^)]+)\) -->$/))
        mark = substr($0, 25, length($0) - 29)
      else
        mark = "bad marker: " $0
      next
    }
    !inblock && /^```sh[ \t]*$/ {
      inblock = 1; n++; file = dir "/" tag "-" NR ".sh"
      printf "" > file
      printf "%d\037%s\037%s\n", NR, mark, file
      reset(); next
    }
    inblock && /^```[ \t]*$/ { inblock = 0; close(file); next }
    inblock { print > file; next }
    /[^ \t]/ { reset() }
  ' "$1"
}

# scratch DIR: a folder with links to the tree's top-level entries
scratch() {
  local e
  mkdir -p "$1/tmp"
  for e in "$root"/* "$root"/.clang-format; do
    [ -e "$e" ] && ln -s "$e" "$1/$(basename "$e")"
  done
}

# run_block FILE DIR: runs the block's text in DIR; its output in DIR.log
run_block() {
  local text pid rc
  text=$(sed -E "s#(^|[^A-Za-z0-9_.])/tmp\\b#\\1$2/tmp#g" "$1")
  [ -n "${VYOMA_ASAN:-}" ] && text=$(printf '%s\n' "$text" | sed 's#build/bin/#build/asan/bin/#g')
  printf '%s\n' "$text" >"$2.sh"
  (cd "$2" && exec setsid timeout -k 5 "$timeout_s" bash -e -o pipefail "$2.sh" \
    </dev/null >"$2.log" 2>&1) &
  pid=$!
  wait "$pid"
  rc=$?
  # setsid made the block a process group of its own (its id is $pid):
  # end what the block left running
  kill -TERM -- "-$pid" 2>/dev/null
  return "$rc"
}

# one_doc DOC: a case per block
one_doc() {
  local doc=$1 line mark file n=0 dir rc
  if [ ! -f "$doc" ]; then fail "$doc" "no such document"; return; fi
  while IFS=$'\037' read -r line mark file; do
    n=$((n + 1))
    case $mark in
      "bad marker:"*) fail "$doc:$line" "$mark (want <!-- readme-test: skip (REASON) -->)"; continue ;;
      ?*) skip "$doc:$line" "$mark"; continue ;;
    esac
    dir=$tmp/run/$(basename "$file" .sh)
    mkdir -p "$dir" && scratch "$dir"
    run_block "$file" "$dir"
    rc=$?
    if [ "$rc" -eq 0 ]; then
      pass "$doc:$line"
    else
      [ "$rc" -eq 124 ] && rc="$rc (timed out after ${timeout_s}s)"
      fail "$doc:$line" "exit status $rc: $(head -n 1 "$file")"
      detail <"$dir.log"
    fi
  done < <(blocks "$doc")
  [ "$n" -gt 0 ] || fail "$doc" "no \`\`\`sh block"
}

# self-test: a broken command must fail, a marked block must be a SKIP
self_test() {
  local doc=$tmp/broken.md out rc
  {
    echo '<!-- readme-test: skip (boots QEMU) -->'
    echo '```sh'
    echo 'make run'
    echo '```'
    echo
    echo '```sh'
    echo 'build/bin/vyoma run --no-such-option build/apps/hello/hello.wasm'
    echo '```'
  } >"$doc"
  out=$(T_LABEL= tests/readme/run.sh "$doc" 2>&1)
  rc=$?
  if [ "$rc" -eq 1 ] && [ "$(grep -c '^FAIL ' <<<"$out")" -eq 1 ] &&
     [ "$(grep -c '^SKIP .*boots QEMU' <<<"$out")" -eq 1 ] &&
     ! grep -q '^PASS ' <<<"$out"; then
    pass self-test/broken
  else
    fail self-test/broken "a broken command did not give one FAIL and one SKIP (exit $rc)"
    detail <<<"$out"
  fi
}

# display-strip: the README's headless desk, which runs bar, makes it the
# status bar (without status_bar = "bar" it is a quarter-screen window)
display_strip() {
  local sect
  sect=$(sed -n '/^## The display/,/^## [^T]/p' README.md)
  if ! grep -q 'for a in bar ' <<<"$sect"; then
    fail display-strip "the README's display example no longer runs bar"
  elif ! grep -Eq '^status_bar = "bar"|status_bar = \\"bar\\"' <<<"$sect"; then
    fail display-strip "the README's desk profile runs bar without status_bar = \"bar\""
  else
    pass display-strip
  fi
}

# toml_blocks DOC: each ```toml block of DOC is a vyoma.toml example, and
# must pass vyoma-manifest (case DOC:LINE); the module it names is not
# there, so only the manifest is checked
toml_blocks() {
  local doc=$1 line f out
  mkdir -p "$tmp/toml"
  awk -v dir="$tmp/toml" '
    !inb && /^```toml[ \t]*$/ { inb = 1; f = dir "/" NR ".toml"; printf "" > f; print NR; next }
    inb && /^```[ \t]*$/ { inb = 0; close(f); next }
    inb { print > f }' "$doc" >"$tmp/toml/lines"
  while read -r line; do
    f=$tmp/toml/$line.toml
    if out=$("$T_BIN/vyoma-manifest" --manifest-only "$f" 2>&1); then
      pass "$doc:$line"
    else
      fail "$doc:$line" "the manifest example does not load: ${out#"$f"}"
    fi
  done <"$tmp/toml/lines"
}

# docs/manifest-reference: docs/apps.md's key table is what `vyoma
# manifest-reference` makes of the schema rows (`make docs` rewrites it)
manifest_reference() {
  local out
  if out=$(tools/vyoma/docs.sh --check "$T_BIN/vyoma" docs/apps.md 2>&1); then
    pass docs/manifest-reference
  else
    fail docs/manifest-reference "docs/apps.md's manifest table is not the generated one (make docs)"
    detail <<<"$out"
  fi
}

if [ $# -gt 0 ]; then
  for d in "$@"; do one_doc "$d"; done
else
  one_doc README.md
  one_doc docs/apps.md
  one_doc docs/hal.md
  toml_blocks docs/apps.md
  toml_blocks docs/hal.md
  display_strip
  manifest_reference
  self_test
fi
t_end
