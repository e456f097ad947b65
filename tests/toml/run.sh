#!/usr/bin/env bash
# tests/toml/run.sh [--asan] — the TOML parser's test suite.
#
#   toml/unit/CASE     tests/toml/toml_unit.c, a line per case (accessors,
#                      error lines, ranges, allocation failure)
#   toml/valid         every valid/**.toml of ../shared/toml-test must parse,
#                      and toml-json's output must equal the expected JSON by
#                      meaning (tests/toml/compare.mjs)
#   toml/invalid       every invalid/**.toml must be rejected with exit status
#                      1 and one message "FILE:LINE:COL: message" naming the
#                      file; a crash, a signal or any other status is a
#                      failure even for a listed case
# With --asan (or VYOMA_ASAN=1) the ASan/UBSan build is used and labels read
# toml-asan/*.
#
# tests/toml/expected-failures.txt lists case paths (valid/x/y.toml) known
# to fail; it may only shrink: a failure not listed is a regression, and a
# listed case that passes must be removed from the list.  Prints one line per
# problem, then one PASS/FAIL/SKIP line per suite; exits 1 if any failed.
shopt -s extglob
[ "${1:-}" = "--asan" ] && export VYOMA_ASAN=1
. "$(dirname "$0")/../lib.sh"
t_start toml
bin=$T_BIN
label=$T_LABEL
shared=${SHARED:-../shared}
suite=$shared/toml-test
expected=tests/toml/expected-failures.txt

# Build the two programs (quietly; the log is shown on failure).
t_make build "$bin/toml-json" "$bin/toml-unit" || { t_end; exit; }

t_relay unit "$T_LOGS/$label-unit.log" timeout -k 5 120 "$bin/toml-unit" "$label"

if [ ! -d "$suite" ]; then
  skip valid "$shared/toml-test not found"
  skip invalid "$shared/toml-test not found"
  t_end; exit
fi
list=$suite/files-toml-1.0.0
if [ ! -f "$list" ]; then
  fail valid "$list not found"
  t_end; exit
fi

declare -A known=()
if [ -f "$expected" ]; then
  while read -r line; do
    line=${line%%#*}; line=${line//[[:space:]]/}
    [ -n "$line" ] && known[$line]=1
  done <"$expected"
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# ---- valid cases: run all, then compare all in one node process -------------
declare -A failed=()      # case -> reason
pairs=()
nvalid=0
while read -r case; do
  [[ $case == valid/*.toml ]] || continue
  nvalid=$((nvalid + 1))
  out=$tmp/$nvalid.json
  timeout -k 5 20 "$bin/toml-json" "$suite/$case" >"$out" 2>"$tmp/err" </dev/null
  rc=$?
  if [ $rc -ne 0 ]; then
    failed[$case]="exit status $rc: $(head -c 200 "$tmp/err" | head -n 1)"
    continue
  fi
  pairs+=("$suite/${case%.toml}.json" "$out")
done <"$list"
if [ ${#pairs[@]} -gt 0 ]; then
  while IFS= read -r line; do
    f=${line%%: *}; f=${f#"$suite/"}
    case=${f%.json}.toml
    failed[$case]="wrong output: ${line#*: }"
  done < <(node tests/toml/compare.mjs "${pairs[@]}")
fi

# ---- invalid cases -------------------------------------------------------------
ninvalid=0
declare -A crashed=()
while read -r case; do
  [[ $case == invalid/*.toml ]] || continue
  ninvalid=$((ninvalid + 1))
  timeout -k 5 20 "$bin/toml-json" "$suite/$case" >/dev/null 2>"$tmp/err" </dev/null
  rc=$?
  if [ $rc -eq 0 ]; then
    failed[$case]="accepted"
  elif [ $rc -eq 1 ]; then
    msg=$(head -n 1 "$tmp/err")
    if [[ $msg != "$suite/$case":[1-9]*([0-9]):[1-9]*([0-9]):\ ?* ]] ||
       [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
      failed[$case]="message not \"FILE:LINE:COL: message\": $(head -c 200 "$tmp/err" | head -n 1)"
    fi
  elif [ $rc -ne 1 ]; then
    failed[$case]="exit status $rc (crash?): $(head -c 200 "$tmp/err" | head -n 1)"
    crashed[$case]=1
  fi
done <"$list"

# ---- verdicts --------------------------------------------------------------------
report() {   # kind (valid|invalid) total
  local kind=$1 total=$2 regress=0 fixed=0 knownfail=0 c
  for c in "${!failed[@]}"; do
    [[ $c == $kind/* ]] || continue
    if [ -n "${known[$c]:-}" ] && [ -z "${crashed[$c]:-}" ]; then
      knownfail=$((knownfail + 1))
    else
      echo "    $label $c: ${failed[$c]}"
      regress=$((regress + 1))
    fi
  done
  for c in "${!known[@]}"; do
    [[ $c == $kind/* ]] || continue
    if [ -z "${failed[$c]:-}" ]; then
      echo "    $label $c: passes now; remove it from $expected"
      fixed=$((fixed + 1))
    fi
  done
  local passed=$((total - regress - knownfail))
  if [ $regress -eq 0 ] && [ $fixed -eq 0 ]; then
    local note=
    [ $knownfail -gt 0 ] && note=", $knownfail expected failures"
    pass "$kind" "$passed/$total passed$note"
  else
    fail "$kind" "$regress regressions, $fixed listed cases now pass ($passed/$total passed)"
  fi
}
report valid $nvalid
report invalid $ninvalid
t_end
