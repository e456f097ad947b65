;; move_pairs.wast — VyomaOS's own engine test (written for this project, not taken
;; from the WebAssembly spec suite, which is read from ../shared only).
;; It pins the compiler's fused forms for 'move_pairs' (runtime/interp/vw_compile.c)
;; against the plain semantics; run by tests/engine/run.sh.
(module
  (memory 1)
  (func (export "add2") (param i32 i32 i32) (result i32) (local i32 i32)
    (local.set 3 (i32.add (local.get 0) (local.get 1)))
    (local.set 4 (i32.add (local.get 3) (local.get 2)))
    (i32.sub (local.get 4) (local.get 3)))
  (func (export "add2t") (param i32 i32 i32) (result i32)
    (i32.sub (i32.add (local.get 0) (local.get 1)) (i32.add (local.get 1) (local.get 2))))
  (func (export "ssk") (param i32 i32) (result i32)
    (i32.store16 offset=2 (i32.add (local.get 0) (local.get 1)) (i32.const 0x1234))
    (i32.load16_u offset=2 (i32.add (local.get 1) (local.get 0))))
  (func (export "sieve") (param i32) (result i32) (local i32 i32)
    (local.set 1 (i32.const 0))
    (loop
      (i32.store8 (local.get 1) (i32.const 1))
      (local.set 1 (i32.add (local.get 1) (local.get 0)))
      (br_if 0 (i32.le_u (local.tee 2 (i32.add (local.get 2) (local.get 0))) (i32.const 100))))
    (local.get 2))
)
(assert_return (invoke "add2" (i32.const 1) (i32.const 2) (i32.const 3)) (i32.const 3))
(assert_return (invoke "add2t" (i32.const 10) (i32.const 2) (i32.const 3)) (i32.const 7))
(assert_return (invoke "ssk" (i32.const 100) (i32.const 0xfffffff0)) (i32.const 0x1234))
(assert_trap (invoke "ssk" (i32.const 65534) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "sieve" (i32.const 7)) (i32.const 105))
