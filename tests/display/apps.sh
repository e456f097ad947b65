#!/usr/bin/env bash
# apps.sh — tests the display apps (apps/clockface, sysmon, notes, bar) on the
# host: builds them and the `vyoma` runner, runs each app with scripted stdin
# (the lines the supervisor and the keyboard would send, then end of input)
# and checks what it printed:
#   - every stdout line is a well-formed VYOMA_DRAW line (op name, argument
#     count and types) or an "@sys: ..." request; nothing else
#   - the app exits 0 at end of input
#   - per app, concrete content (see each test below)
# Run from the repo root.  VYOMA_ASAN=1 uses build/asan/bin/vyoma and labels
# the cases display-apps-asan/NAME.  Prints PASS/FAIL lines, exits 1 on any
# failure.
. "$(dirname "$0")/../lib.sh"
t_start display-apps
runner=$T_BIN/vyoma
apps="clockface sysmon notes bar"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

targets="$runner"
for a in $apps; do targets="$targets build/apps/$a/$a.wasm build/apps/$a/vyoma.toml"; done
# shellcheck disable=SC2086
if ! make --no-print-directory $targets >"$tmp/build.log" 2>&1; then
  for a in $apps; do fail "$a" "build failed: $(tail -n 3 "$tmp/build.log" | tr '\n' ' ')"; done
  t_end; exit
fi

# run NAME STDIN_TEXT [vyoma run options...]: stdout in $tmp/NAME.out,
# stderr in $tmp/NAME.err, exit status in $rc
run() {
  local name=$1 input=$2; shift 2
  printf '%s' "$input" | timeout 10 "$runner" run --no-manifest "$@" "build/apps/$name/$name.wasm" \
    >"$tmp/$name.out" 2>"$tmp/$name.err"
  rc=$?
}

# The draw grammar of sdk/vyoma.h, one regex per op.
I='-?[0-9]+' C='#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?' Q='"([^"\\]|\\.)*"'
grammar="^(VYOMA_DRAW (clear $C|(rect|fill) $I $I $I $I $C|line $I $I $I $I $C"
grammar="$grammar|circle $I $I $I $C( fill)?|text $I $I $C $Q( $I)?|image $I $I $Q"
grammar="$grammar|present)|@sys: [a-z].*)\$"

# common NAME: the checks every app must pass; prints why not, or nothing
common() {
  local out=$tmp/$1.out bad
  if [ "$rc" -eq 124 ]; then echo "timed out (did not exit at end of input)"; return; fi
  if [ "$rc" -ne 0 ]; then echo "exit status $rc: $(head -c 300 "$tmp/$1.err")"; return; fi
  bad=$(grep -Evn -e "$grammar" "$out" | head -n 1)
  if [ -n "$bad" ]; then echo "bad output line $bad"; return; fi
  if ! grep -qx 'VYOMA_DRAW present' "$out"; then echo "no frame presented"; fi
}

# frame FILE N: the draw lines of the Nth-from-last frame (1 = the last)
frame() {
  awk -v n="$2" 'BEGIN { k = 0 }
    /^VYOMA_DRAW present$/ { k++; next }
    /^VYOMA_DRAW / { f[k] = f[k] $0 "\n" }
    END { printf "%s", f[k - n] }' "$1"
}

# ---- clockface: HH:MM:SS text, 12 ticks + 3 hands, scales to the window
run clockface $'@sys: window 400 300\n@sys: error draw bad-op frob\n'
why=$(common clockface)
if [ -z "$why" ]; then
  first=$(frame "$tmp/clockface.out" $(( $(grep -c 'present$' "$tmp/clockface.out") )))
  last=$(frame "$tmp/clockface.out" 1)
  r0=$(echo "$first" | awk '$2 == "circle" && $6 != "fill" { print $5; exit }')
  r1=$(echo "$last" | awk '$2 == "circle" && $6 != "fill" { print $5; exit }')
  nlines=$(echo "$last" | grep -c '^VYOMA_DRAW line ')
  if ! echo "$last" | grep -Eq '^VYOMA_DRAW text .* "[0-2][0-9]:[0-5][0-9]:[0-6][0-9] UTC"'; then
    why="no HH:MM:SS UTC text in the last frame"
  elif [ "$nlines" -ne 15 ]; then
    why="$nlines line ops in the last frame, want 12 ticks + 3 hands"
  elif [ -z "$r0" ] || [ -z "$r1" ] || [ "$r1" -le "$r0" ]; then
    why="face radius $r0 at 320x240 and $r1 at 400x300: did not scale"
  elif ! grep -q 'error draw bad-op' "$tmp/clockface.err"; then
    why="the draw error was not logged to stderr"
  fi
fi
if [ -z "$why" ]; then pass clockface; else fail clockface "$why"; fi

# ---- sysmon: asks for stats, one row per app, CPU bars from CPU_MS deltas
# shell uses 500 ms and clock 250 ms of CPU between the two answers.
run sysmon $'@sys: window 400 300\n'\
$'@sys: stats shell=running,100,131072 clock=running,50,65536 idle=stopped,0,0\n'\
$'@sys: stats shell=running,600,262144 clock=running,300,65536 idle=stopped,0,0\n'
why=$(common sysmon)
if [ -z "$why" ]; then
  last=$(frame "$tmp/sysmon.out" 1)
  # the CPU bar fills (green) and their widths, in row order
  cpu=$(echo "$last" | awk '$2 == "fill" && $7 == "#40c040" { printf "%s ", $5 }')
  mem=$(echo "$last" | awk '$2 == "fill" && $7 == "#4080ff" { printf "%s ", $5 }')
  # shellcheck disable=SC2086  # split the widths into $1 $2
  set -- $cpu
  if ! grep -qx '@sys: stats' "$tmp/sysmon.out"; then
    why="never sent @sys: stats"
  elif ! { echo "$last" | grep -q 'text .* "shell"' &&
           echo "$last" | grep -q 'text .* "clock"' &&
           echo "$last" | grep -q 'text .* "idle"' &&
           echo "$last" | grep -q 'text .* "stopped"'; }; then
    why="not a row for each of shell, clock, idle: $(echo "$last" | grep text | tr '\n' ' ')"
  elif [ $# -ne 2 ] || [ "$1" -le "$2" ] || [ "$2" -le 0 ]; then
    why="CPU bar widths '$cpu', want two, shell's (50%) wider than clock's (25%)"
  elif [ "$1" -ne $(( $2 * 2 )) ] && [ "$1" -ne $(( $2 * 2 + 1 )) ]; then
    why="CPU bar widths '$cpu' are not in the ratio 50:25"
  elif [ "$(echo "$mem" | awk '{ print NF }')" -ne 2 ] ||
       [ "$(echo "$mem" | awk '{ print ($1 == 4 * $2) }')" -ne 1 ]; then
    why="memory bar widths '$mem', want shell's (256 KiB) 4x clock's (64 KiB)"
  fi
fi
if [ -z "$why" ]; then pass sysmon; else fail sysmon "$why"; fi

# ---- sysmon-limit: with limit= (the supervisor's memory cap per app) each
# memory bar is a share of that app's own limit: shell 256 KiB of 1 MiB is
# a quarter bar, clock 64 KiB of 128 KiB half of one; each bar is labelled
# inside itself, the CPU bar "N%", the memory bar "USED/LIMIT".
run sysmon $'@sys: window 400 300\n'\
$'@sys: stats shell=running,100,131072,limit=1048576 clock=running,50,65536,limit=131072\n'\
$'@sys: stats shell=running,600,262144,limit=1048576 clock=running,300,65536,limit=131072\n'
why=$(common sysmon)
if [ -z "$why" ]; then
  last=$(frame "$tmp/sysmon.out" 1)
  # per bar, in row order: "X W" of its outline; the fill widths; the labels
  # drawn at X+4 of each outline
  rects=$(echo "$last" | awk '$2 == "rect" { printf "%s:%s ", $3, $5 }')
  mem=$(echo "$last" | awk '$2 == "fill" && $7 == "#4080ff" { printf "%s ", $5 }')
  labels=$(echo "$last" | awk '$2 == "rect" { at[$3 + 4 " " $4] = 1 }
    $2 == "text" && at[$3 " " $4] { sub(/^[^"]*/, ""); sub(/ [0-9]+$/, ""); printf "%s ", $0 }')
  bar_w=$(echo "$rects" | awk -F'[: ]' '{ print $2 }')
  # shellcheck disable=SC2086
  set -- $mem
  if [ $# -ne 2 ] || [ -z "$bar_w" ]; then
    why="memory fills '$mem', outlines '$rects': want two of each row's bar"
  elif [ $(( $1 * 4 - bar_w )) -lt -4 ] || [ $(( $1 * 4 - bar_w )) -gt 4 ] ||
       [ $(( $2 * 2 - bar_w )) -lt -2 ] || [ $(( $2 * 2 - bar_w )) -gt 2 ]; then
    why="memory fills '$mem' of bars $bar_w wide: want shell's a quarter, clock's a half (scaled to each limit)"
  elif [ "$labels" != '"50%" "256K/1.0M" "25%" "64K/128K" ' ]; then
    why="bar labels $labels, want \"50%\" \"256K/1.0M\" \"25%\" \"64K/128K\""
  fi
fi
if [ -z "$why" ]; then pass sysmon-limit; else fail sysmon-limit "$why"; fi

# ---- notes: typed lines appear, :d removes the last, :w saves or reports
notes_ok=1
# without /data: the save fails and the status line says so
run notes $'@sys: window 400 300\nhello world\nsecond "line"\n:d\n:w\n'
why=$(common notes)
if [ -z "$why" ]; then
  before=$(frame "$tmp/notes.out" 3)      # after the second typed line
  last=$(frame "$tmp/notes.out" 1)
  if ! echo "$before" | grep -q '^VYOMA_DRAW text .* "second \\"line\\""'; then
    why="typed 'second \"line\"' not drawn: $(echo "$before" | grep text | tr '\n' ' ')"
  elif echo "$last" | grep -q '"second'; then
    why=":d did not remove the last line"
  elif ! echo "$last" | grep -q '^VYOMA_DRAW text .* "hello world"'; then
    why="'hello world' gone after :d"
  elif ! echo "$last" | grep -q '^VYOMA_DRAW text .* "error: cannot save'; then
    why=":w without /data drew no error status"
  fi
fi
[ -z "$why" ] || { fail notes "$why"; notes_ok=0; }
# with /data: :w writes the file, the next start loads it, :c clears
mkdir -p "$tmp/data"
if [ $notes_ok = 1 ]; then
  run notes $'alpha\nbeta\n:w\n' --dir "$tmp/data::/data"
  why=$(common notes)
  if [ -z "$why" ] && [ "$(cat "$tmp/data/notes.txt" 2>/dev/null)" != $'alpha\nbeta' ]; then
    why=":w wrote '$(head -c 100 "$tmp/data/notes.txt" 2>&1)', want alpha, beta"
  fi
  if [ -z "$why" ]; then
    run notes $'gamma\n:w\n' --dir "$tmp/data::/data"
    why=$(common notes)
    first=$(frame "$tmp/notes.out" 3)
    if [ -z "$why" ] && ! { echo "$first" | grep -q 'text .* "alpha"' &&
                            echo "$first" | grep -q 'text .* "beta"'; }; then
      why="the saved document was not loaded at start"
    elif [ -z "$why" ] && [ "$(cat "$tmp/data/notes.txt")" != $'alpha\nbeta\ngamma' ]; then
      why="after a load and an append, the file is '$(head -c 100 "$tmp/data/notes.txt")'"
    fi
  fi
  if [ -z "$why" ]; then
    run notes $':c\n:w\n' --dir "$tmp/data::/data"
    why=$(common notes)
    if [ -z "$why" ] && [ -s "$tmp/data/notes.txt" ]; then
      why=":c then :w left '$(head -c 100 "$tmp/data/notes.txt")' in the file"
    elif [ -z "$why" ] && frame "$tmp/notes.out" 1 | grep -q '"alpha"'; then
      why=":c did not clear the window"
    fi
  fi
  if [ -z "$why" ]; then pass notes; else fail notes "$why"; fi
fi

# ---- notes-wrap: a line wider than the window wraps onto the next rows (at
# a space when a word fits, anywhere in a word longer than a row) instead of
# running off the edge: at 400 px wide, rows of at most 40 characters (0.6 em
# of 16 px each, notes' estimate) that together are the typed line, in order
long_words="the quick brown fox jumps over the lazy dog and then it runs far away into the woods"
long_word=$(printf 'x%.0s' $(seq 100))
run notes $'@sys: window 400 300\n'"$long_words"$'\n'"$long_word"$'\nshort\n'
why=$(common notes)
if [ -z "$why" ]; then
  # the document's rows of the last frame (not the status line: size 14)
  rows=$(frame "$tmp/notes.out" 1 | awk '$2 == "text" && $NF == 16' |
    sed -E 's/^VYOMA_DRAW text [0-9]+ [0-9]+ #[0-9a-f]+ "(.*)" 16$/\1/')
  wide=$(awk 'length($0) > 40' <<<"$rows" | head -n 1)
  words=$(grep -vE '^x+$|^short$' <<<"$rows" | paste -sd ' ')
  xs=$(grep -E '^x+$' <<<"$rows" | paste -sd '')
  if [ -n "$wide" ]; then
    why="a row wider than the window (${#wide} characters): $wide"
  elif [ "$(grep -cvE '^x+$|^short$' <<<"$rows")" -lt 3 ] || [ "$words" != "$long_words" ]; then
    why="the long line's rows are '$words', want it on 3 rows or more"
  elif [ "$(grep -cE '^x+$' <<<"$rows")" -lt 3 ] || [ "$xs" != "$long_word" ]; then
    why="the long word's rows join to ${#xs} x's on $(grep -cE '^x+$' <<<"$rows") rows, want 100 on 3"
  elif [ "$(tail -n 1 <<<"$rows")" != short ]; then
    why="the row after the wrapped lines is '$(tail -n 1 <<<"$rows")', want 'short'"
  fi
fi
if [ -z "$why" ]; then pass notes-wrap; else fail notes-wrap "$why"; fi

# ---- bar: shows ps, launches on "start NAME" / "NAME", shows the reply
run bar $'@sys: window 800 28\n@sys: ps shell=running clock=stopped bar=running\n'\
$'start clock\n@sys: ok started clock\nsysmon\nNot A Name!\n'
why=$(common bar)
if [ -z "$why" ]; then
  out=$tmp/bar.out
  last=$(frame "$out" 1)
  run_c=$(echo "$last" | awk '$2 == "text" && $6 == "\"shell\"" { print $5 }')
  stop_c=$(echo "$last" | awk '$2 == "text" && $6 == "\"clock\"" { print $5 }')
  if ! grep -qx '@sys: ps' "$out"; then
    why="never sent @sys: ps"
  elif ! grep -qx '@sys: start clock' "$out"; then
    why="typed 'start clock' did not send @sys: start clock"
  elif ! grep -qx '@sys: start sysmon' "$out"; then
    why="typed 'sysmon' did not send @sys: start sysmon"
  elif [ "$(grep -c '^@sys: start' "$out")" -ne 2 ]; then
    why="a bad name was sent: $(grep '^@sys: start' "$out" | tr '\n' ' ')"
  elif [ -z "$run_c" ] || [ -z "$stop_c" ] || [ "$run_c" = "$stop_c" ]; then
    why="running shell ($run_c) and stopped clock ($stop_c) not told apart"
  elif ! grep -q '^VYOMA_DRAW text .* "ok started clock"' "$out"; then
    why="the start reply was not shown"
  elif ! echo "$last" | grep -Eq '^VYOMA_DRAW text .* "[0-2][0-9]:[0-5][0-9]"'; then
    why="no HH:MM clock in the last frame"
  fi
fi
if [ -z "$why" ]; then pass bar; else fail bar "$why"; fi

# ---- issue 12: bar reads the ps table vyomad answers "@sys: ps" with
run bar $'@sys: window 800 28\n@sys: NAME   STATE               UPTIME\n@sys: shell  running             1.5 s\n@sys: clock  killed by operator  -\n'
why=$(common bar)
if [ -z "$why" ]; then
  last=$(frame "$tmp/bar.out" 1)
  run_c=$(echo "$last" | awk '$2 == "text" && $6 == "\"shell\"" { print $5 }')
  stop_c=$(echo "$last" | awk '$2 == "text" && $6 == "\"clock\"" { print $5 }')
  if [ -z "$run_c" ] || [ -z "$stop_c" ] || [ "$run_c" = "$stop_c" ]; then
    why="from the ps table: running shell ($run_c) and killed clock ($stop_c) not told apart"
  elif echo "$last" | grep -q '"NAME"'; then why="the table's header was drawn as an app"; fi
fi
if [ -z "$why" ]; then pass bar-ps-table; else fail bar-ps-table "$why"; fi

t_end
