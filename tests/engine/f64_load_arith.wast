;; f64_load_arith.wast — VyomaOS's own engine test (written for this project, not taken
;; from the WebAssembly spec suite, which is read from ../shared only).
;; It pins the compiler's fused forms for 'f64_load_arith' (runtime/interp/vw_compile.c)
;; against the plain semantics; run by tests/engine/run.sh.
(module
  (memory 1)
  (data (i32.const 8) "\00\00\00\00\00\00\10\40")
  (func (export "subr") (param i32 f64) (result f64) (f64.sub (f64.load offset=4 (local.get 0)) (local.get 1)))
  (func (export "sub") (param i32 f64) (result f64) (f64.sub (local.get 1) (f64.load offset=4 (local.get 0))))
  (func (export "mul") (param i32 f64) (result f64) (f64.mul (f64.load (local.get 0)) (local.get 1)))
  (func (export "add") (param i32 f64) (result f64) (f64.add (local.get 1) (f64.load (local.get 0))))
)
(assert_return (invoke "subr" (i32.const 4) (f64.const 1)) (f64.const 3))
(assert_return (invoke "sub" (i32.const 4) (f64.const 1)) (f64.const -3))
(assert_return (invoke "mul" (i32.const 8) (f64.const 2.5)) (f64.const 10))
(assert_return (invoke "add" (i32.const 8) (f64.const 0.5)) (f64.const 4.5))
(assert_trap (invoke "add" (i32.const 65529) (f64.const 0.5)) "out of bounds memory access")
(assert_trap (invoke "subr" (i32.const 0xfffffffc) (f64.const 0.5)) "out of bounds memory access")
