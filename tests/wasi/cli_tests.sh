# tests/wasi/cli_tests.sh — tests of the `vyoma` CLI's own behaviour: exit
# codes, the one-line load error, trap messages and backtraces, --env, --dir,
# --max-memory, --invoke, signals.  Sourced by tests/wasi/run.sh (which
# provides lib.sh's pass/fail/skip/detail, selected, $VYOMA, $OUT, $T).
#
# The modules are tests/wasi/cli/*.wat (built with wat2wasm --debug-names so
# the backtrace has names) and tests/wasi/cli/args.c.

C=$OUT/cli
mkdir -p "$C"
V=$VYOMA

# cli_run NAME ARGS...: runs vyoma with stdout/stderr/status into $C/NAME.*
cli_run() {
  local name=$1; shift
  timeout "$TIMEOUT" "$V" "$@" </dev/null >"$C/$name.out" 2>"$C/$name.err"
  echo $? >"$C/$name.rc"
}
rc_of() { cat "$C/$1.rc"; }
# want_*: accumulate problems in CLI_PROBLEMS; verdict reports them
CLI_PROBLEMS=()
want_rc() {   # want_rc RUN EXPECTED
  local got; got=$(rc_of "$1")
  [[ $got == "$2" ]] || CLI_PROBLEMS+=("$1: exit $got, expected $2")
}
want_out() {  # want_out RUN out|err REGEX (grep -E, must match a line)
  grep -Eq -- "$3" "$C/$1.$2" ||
    CLI_PROBLEMS+=("$1: $2 has no line matching /$3/")
}
want_lines() {  # want_lines RUN out|err N
  local n; n=$(wc -l <"$C/$1.$2")
  [[ $n == "$3" ]] || CLI_PROBLEMS+=("$1: $2 has $n lines, expected $3")
}
verdict() {   # verdict TESTNAME
  if ((${#CLI_PROBLEMS[@]} == 0)); then pass "$1"
  else
    fail "$1" "$(printf '%s; ' "${CLI_PROBLEMS[@]}" | sed 's/; $//')"
  fi
  CLI_PROBLEMS=()
}

cli_tests() {
  local have_wat=0
  command -v wat2wasm >/dev/null && have_wat=1
  if [[ $have_wat == 1 ]]; then
    local w
    for w in "$T"/cli/*.wat; do
      wat2wasm --debug-names -o "$C/$(basename "$w" .wat).wasm" "$w" \
        2>>"$C/build.log" || fail "cli-build" "wat2wasm $w failed"
    done
    # invalid (but well-formed): an i64 where the type says i32
    printf '(module (func (result i32) i64.const 0))' >"$C/invalid.wat"
    wat2wasm --no-check -o "$C/invalid.wasm" "$C/invalid.wat" 2>>"$C/build.log"
  fi
  # malformed: a type section that ends in the middle of a function type
  printf '\0asm\1\0\0\0\1\5\1\x60\2\x7f' >"$C/bad.wasm"
  printf 'this is not wasm' >"$C/notwasm.wasm"
  local have_args=0
  if [[ $HAVE_CLANG == 1 ]] &&
     $WASI_CC $WASI_CFLAGS -o "$C/args.wasm" "$T/cli/args.c" 2>>"$C/build.log"; then
    have_args=1
  fi
  local hello=$ROOT/build/apps/hello/hello.wasm

  if selected cli-version; then
    cli_run version --version; want_rc version 0; want_out version out '^vyoma [0-9]'
    verdict cli-version
  fi

  if selected cli-help; then
    cli_run help --help; want_rc help 0
    want_out help out 'run'; want_out help out '134'
    cli_run runhelp run --help; want_rc runhelp 0
    want_out runhelp out '--dir'; want_out runhelp out '--env'
    want_out runhelp out '--max-memory'; want_out runhelp out '134'
    verdict cli-help
  fi

  if selected cli-usage; then
    cli_run noargs; want_rc noargs 2
    cli_run nomodule run; want_rc nomodule 2
    cli_run badopt run --frobnicate "$hello"; want_rc badopt 2
    cli_run badcmd frobnicate; want_rc badcmd 2
    cli_run badsize run --max-memory lots "$hello"; want_rc badsize 2
    cli_run noval run --dir; want_rc noval 2
    verdict cli-usage
  fi

  if selected cli-malformed; then
    cli_run malformed run "$C/bad.wasm"
    want_rc malformed 1; want_lines malformed err 1
    want_out malformed err "^vyoma: .*bad\.wasm: offset 0x[0-9a-f]+: .+"
    cli_run notwasm run "$C/notwasm.wasm"
    want_rc notwasm 1; want_lines notwasm err 1
    want_out notwasm err "^vyoma: .*notwasm\.wasm: offset 0x[0-9a-f]+: .+"
    cli_run valbad validate "$C/bad.wasm"
    want_rc valbad 1; want_lines valbad err 1
    want_out valbad err "^vyoma: .*bad\.wasm: offset 0x[0-9a-f]+: .+"
    verdict cli-malformed
  fi

  if selected cli-invalid; then
    if [[ -f $C/invalid.wasm ]]; then
      cli_run invalid run "$C/invalid.wasm"
      want_rc invalid 1; want_lines invalid err 1
      want_out invalid err "^vyoma: .*invalid\.wasm: offset 0x[0-9a-f]+: .+"
      verdict cli-invalid
    else skip cli-invalid "no wat2wasm"; fi
  fi

  if selected cli-missing-file; then
    cli_run missing run "$C/does-not-exist.wasm"
    want_rc missing 1; want_lines missing err 1
    want_out missing err "^vyoma: .*does-not-exist\.wasm: No such file or directory$"
    cli_run missingv validate "$C/does-not-exist.wasm"; want_rc missingv 1
    verdict cli-missing-file
  fi

  if selected cli-trap; then
    if [[ $have_wat == 1 ]]; then
      cli_run trap run "$C/trap.wasm"
      want_rc trap 134
      want_out trap err '^error: wasm trap: unreachable$'
      want_out trap err '^  0: inner$'
      want_out trap err '^  1: middle$'
      want_out trap err '^  2: _start$'
      cli_run divzero run "$C/divzero.wasm"
      want_rc divzero 134
      want_out divzero err '^error: wasm trap: integer divide by zero$'
      want_out divzero err '^  0: (#[0-9]+|.+)$'
      want_out divzero err '^  1: _start$'
      verdict cli-trap
    else skip cli-trap "no wat2wasm"; fi
  fi

  if selected cli-stack-exhausted; then
    if [[ $have_wat == 1 ]]; then
      cli_run recurse run "$C/recurse.wasm"
      want_rc recurse 134
      want_out recurse err '^error: wasm trap: call stack exhausted$'
      verdict cli-stack-exhausted
    else skip cli-stack-exhausted "no wat2wasm"; fi
  fi

  if selected cli-exit-code; then
    if [[ $have_wat == 1 ]]; then
      cli_run exit42 run "$C/exit42.wasm"; want_rc exit42 42
      [[ -s $C/exit42.err ]] && CLI_PROBLEMS+=("exit42: unexpected stderr")
    fi
    if [[ $have_args == 1 ]]; then
      cli_run exit3 run "$C/args.wasm" a b c; want_rc exit3 3
    fi
    cli_run exit0 run "$hello"; want_rc exit0 0
    cli_run short "$hello" you; want_rc short 0; want_out short out 'Hello, you!'
    verdict cli-exit-code
  fi

  if selected cli-argv; then
    if [[ $have_args == 1 ]]; then
      cli_run argv run "$C/args.wasm" -- one "two words" --dir
      want_out argv out '^argv\[0\]=args\.wasm$'
      want_out argv out '^argv\[1\]=--$|^argv\[1\]=one$'
      want_out argv out '^argv\[[0-9]\]=two words$'
      want_out argv out '^argv\[[0-9]\]=--dir$'
      cli_run argv2 run -- "$C/args.wasm" x
      want_out argv2 out '^argv\[0\]=args\.wasm$'
      want_out argv2 out '^argv\[1\]=x$'
      verdict cli-argv
    else skip cli-argv "no clang/wasi-libc"; fi
  fi

  if selected cli-env; then
    if [[ $have_args == 1 ]]; then
      cli_run env run --env A=1 --env B=two=2 --env=C= "$C/args.wasm"
      want_out env out '^env A=1$'; want_out env out '^env B=two=2$'
      want_out env out '^env C=$'
      [[ $(grep -c '^env ' "$C/env.out") == 3 ]] ||
        CLI_PROBLEMS+=("env: the app sees more than the 3 variables given")
      VYOMA_TEST_PASS=through cli_run envpass run --env VYOMA_TEST_PASS "$C/args.wasm"
      want_out envpass out '^env VYOMA_TEST_PASS=through$'
      verdict cli-env
    else skip cli-env "no clang/wasi-libc"; fi
  fi

  if selected cli-dir; then
    local d=$C/dir-host
    rm -rf "$d"; mkdir -p "$d/inner"; echo "mapped file" >"$d/inner/file.txt"
    local cat=$ROOT/build/apps/cat/cat.wasm ls=$ROOT/build/apps/ls/ls.wasm
    cli_run dirmap run --dir "$d::/mapped" "$cat" /mapped/inner/file.txt
    want_rc dirmap 0; want_out dirmap out '^mapped file$'
    cli_run dirsame run --dir "$d" "$ls" "$d/inner"
    want_rc dirsame 0; want_out dirsame out '^file\.txt$'
    cli_run dirdot run --dir "$d::." "$ls" inner
    want_rc dirdot 0; want_out dirdot out '^file\.txt$'
    # nothing outside the preopen exists for the app
    cli_run dirnone run "$cat" "$d/inner/file.txt"
    want_rc dirnone 1
    cli_run direscape run --dir "$d/inner::/m" "$cat" /m/../../dir-host/inner/file.txt
    [[ $(rc_of direscape) == 0 ]] && CLI_PROBLEMS+=("direscape: the app read a file outside its preopen")
    cli_run dirmissing run --dir "$C/no-such-dir::/x" "$hello"
    want_rc dirmissing 1
    verdict cli-dir
  fi

  if selected cli-max-memory; then
    if [[ $have_wat == 1 ]]; then
      cli_run grow run "$C/grow.wasm"; want_rc grow 0
      cli_run grow1m run --max-memory 1MiB "$C/grow.wasm"; want_rc grow1m 3
      cli_run grow64m run --max-memory=64MiB "$C/grow.wasm"; want_rc grow64m 0
      verdict cli-max-memory
    else skip cli-max-memory "no wat2wasm"; fi
  fi

  if selected cli-invoke; then
    if [[ $have_wat == 1 ]]; then
      cli_run add run --invoke add "$C/calc.wasm" 2 3
      want_rc add 0; want_out add out '^5$'
      cli_run mul run --invoke mul64 "$C/calc.wasm" 4294967296 -3
      want_rc mul 0; want_out mul out '^-12884901888$'
      cli_run half run --invoke half "$C/calc.wasm" 3
      want_rc half 0; want_out half out '^1\.5$'
      cli_run noexp run --invoke nope "$C/calc.wasm"; want_rc noexp 1
      verdict cli-invoke
    else skip cli-invoke "no wat2wasm"; fi
  fi

  if selected cli-validate; then
    cli_run valok validate "$hello"; want_rc valok 0; want_out valok out '^ok$'
    cli_run inspect inspect "$hello"; want_rc inspect 0
    want_out inspect out 'func +wasi_snapshot_preview1\.fd_write \(i32, i32, i32, i32\) -> \(i32\)'
    want_out inspect out 'func +_start \(\) -> \(\)'
    want_out inspect out 'memory +memory'
    verdict cli-validate
  fi

  if selected cli-signal; then
    if [[ $have_wat == 1 ]]; then
      local sig pid rc
      for sig in INT TERM; do
        "$V" run "$C/spin.wasm" >"$C/spin$sig.out" 2>"$C/spin$sig.err" &
        pid=$!
        sleep 0.3
        kill -s $sig $pid 2>/dev/null
        # give it up to 5 s to notice, then make sure it is gone
        for _ in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
        if kill -0 $pid 2>/dev/null; then
          kill -KILL $pid 2>/dev/null
          CLI_PROBLEMS+=("SIG$sig did not stop a spinning app")
        fi
        wait $pid; rc=$?
        local want=130; [[ $sig == TERM ]] && want=143
        [[ $rc == "$want" ]] || CLI_PROBLEMS+=("SIG$sig: exit $rc, expected $want")
      done
      # an app blocked reading stdin must stop as well
      local fifo=$C/stdin.fifo
      rm -f "$fifo"; mkfifo "$fifo"
      "$V" run "$ROOT/build/apps/echo/echo.wasm" <"$fifo" >/dev/null 2>"$C/echosig.err" &
      pid=$!
      exec {holder}>"$fifo"   # keep the write end open: read blocks
      sleep 0.3
      kill -s INT $pid 2>/dev/null
      for _ in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
      if kill -0 $pid 2>/dev/null; then
        kill -KILL $pid 2>/dev/null
        CLI_PROBLEMS+=("SIGINT did not stop an app blocked in fd_read")
      fi
      wait $pid
      exec {holder}>&-
      rm -f "$fifo"
      verdict cli-signal
    else skip cli-signal "no wat2wasm"; fi
  fi
}

cli_tests
