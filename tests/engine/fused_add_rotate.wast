;; fused_add_rotate.wast — VyomaOS's own engine test (written for this project, not taken
;; from the WebAssembly spec suite, which is read from ../shared only).
;; It pins the compiler's fused forms for 'fused_add_rotate' (runtime/interp/vw_compile.c)
;; against the plain semantics; run by tests/engine/run.sh.
(module
  (func (export "add3") (param i32 i32 i32) (result i32)
    (i32.add (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "add3b") (param i32 i32 i32) (result i32)
    (i32.add (local.get 2) (i32.add (local.get 0) (local.get 1))))
  (func (export "xr") (param i32 i32) (result i32)
    (i32.xor (i32.rotl (local.get 0) (i32.const 7)) (local.get 1)))
  (func (export "xr0") (param i32 i32) (result i32)
    (i32.xor (local.get 1) (i32.rotl (local.get 0) (i32.const 32))))
  (func (export "chain") (param i32) (result i32)
    (i32.xor (i32.xor (i32.rotl (local.get 0) (i32.const 26)) (i32.rotl (local.get 0) (i32.const 21)))
             (i32.rotl (local.get 0) (i32.const 7))))
)
(assert_return (invoke "add3" (i32.const 0xffffffff) (i32.const 2) (i32.const 3)) (i32.const 4))
(assert_return (invoke "add3b" (i32.const 1) (i32.const 2) (i32.const 3)) (i32.const 6))
(assert_return (invoke "xr" (i32.const 0x80000001) (i32.const 1)) (i32.const 0xc1))
(assert_return (invoke "xr0" (i32.const 0x12345678) (i32.const 0xff)) (i32.const 0x12345687))
(assert_return (invoke "chain" (i32.const 0x6a09e667)) (i32.const 0x55b65510))
