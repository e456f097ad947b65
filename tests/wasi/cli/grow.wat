;; grow.wat — asks for 100 more pages (6.25 MiB) and exits with 0 if that
;; worked, 3 if memory.grow refused.  With --max-memory 1MiB it must refuse.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (if (i32.eq (memory.grow (i32.const 100)) (i32.const -1))
      (then (call $exit (i32.const 3))))
    (call $exit (i32.const 0))))
