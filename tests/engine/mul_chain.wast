;; mul_chain.wast — VyomaOS's own engine test (written for this project, not taken
;; from the WebAssembly spec suite, which is read from ../shared only).
;; It pins the compiler's fused forms for 'mul_chain' (runtime/interp/vw_compile.c)
;; against the plain semantics; run by tests/engine/run.sh.
(module
  (func (export "m") (param f64 f64 f64) (result f64) (f64.mul (f64.mul (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "m2") (param f64 f64 f64) (result f64) (f64.mul (local.get 2) (f64.mul (local.get 0) (local.get 1))))
)
(assert_return (invoke "m" (f64.const 2) (f64.const 3) (f64.const 4)) (f64.const 24))
(assert_return (invoke "m" (f64.const 1e308) (f64.const 10) (f64.const 0.1)) (f64.const inf))
(assert_return (invoke "m2" (f64.const 1e308) (f64.const 10) (f64.const 0.1)) (f64.const inf))
(assert_return (invoke "m" (f64.const 0.1) (f64.const 0.2) (f64.const 0.3)) (f64.const 0x1.89374bc6a7efbp-8))
