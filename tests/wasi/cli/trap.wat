;; trap.wat — `unreachable` three calls deep: vyoma must print
;; "error: wasm trap: unreachable", a backtrace naming inner, middle, _start
;; (from the name section; build with wat2wasm --debug-names) and exit 134.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func $inner unreachable)
  (func $middle call $inner)
  (func $_start (export "_start") call $middle))
