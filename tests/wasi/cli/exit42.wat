;; exit42.wat — proc_exit(42) from a nested call: vyoma exits 42.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func $quit (param i32) local.get 0 call $exit)
  (func (export "_start") i32.const 42 call $quit unreachable))
