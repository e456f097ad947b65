;; store_add_const.wast — VyomaOS's own engine test (written for this project, not taken
;; from the WebAssembly spec suite, which is read from ../shared only).
;; It pins the compiler's fused forms for 'store_add_const' (runtime/interp/vw_compile.c)
;; against the plain semantics; run by tests/engine/run.sh.
(module
  (memory 1)
  (func (export "s") (param i32 i32) (result i32)
    (i32.store offset=4 (local.get 0) (i32.add (local.get 1) (i32.const 7)))
    (i32.load offset=4 (local.get 0)))
  (func (export "s2") (param i32) (result i32)
    (i32.store (i32.add (local.get 0) (i32.const 1)) (i32.add (i32.load (local.get 0)) (i32.const -1)))
    (i32.load offset=1 (local.get 0)))
)
(assert_return (invoke "s" (i32.const 8) (i32.const 0xfffffffc)) (i32.const 3))
(assert_trap (invoke "s" (i32.const 65530) (i32.const 1)) "out of bounds memory access")
(assert_return (invoke "s" (i32.const 65528) (i32.const 1)) (i32.const 8))
(assert_return (invoke "s2" (i32.const 100)) (i32.const -1))
