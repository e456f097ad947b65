;; scaled_index.wast — VyomaOS's own engine test (written for this project, not taken
;; from the WebAssembly spec suite, which is read from ../shared only).
;; It pins the compiler's fused forms for 'scaled_index' (runtime/interp/vw_compile.c)
;; against the plain semantics; run by tests/engine/run.sh.
(module
  (memory 1)
  (data (i32.const 0) "\00\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10\11\12\13")
  (func (export "sx") (param i32 i32) (result i32)
    (i32.load offset=1 (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 2)))))
  (func (export "sx2") (param i32 i32) (result i32)
    (i32.load8_u (i32.add (i32.shl (local.get 1) (i32.const 34)) (local.get 0))))
  (func (export "xi") (param i32) (result i32)
    (i32.load16_u offset=2 (i32.add (i32.shl (local.get 0) (i32.const 1)) (i32.const 4))))
  (func (export "tee") (param i32) (result i32) (local i32)
    (i32.add
      (i32.load8_u (i32.add (local.tee 1 (i32.shl (local.get 0) (i32.const 1))) (i32.const 1)))
      (local.get 1)))
  (func (export "inplace") (param i32) (result i32)
    (i32.load8_u (i32.add (i32.shl (i32.add (local.get 0) (i32.const 1)) (i32.const 1)) (i32.const 1))))
)
(assert_return (invoke "sx" (i32.const 0) (i32.const 1)) (i32.const 0x08070605))
(assert_return (invoke "sx" (i32.const 0xfffffffc) (i32.const 2)) (i32.const 0x08070605))
(assert_trap (invoke "sx" (i32.const 0xfffffffc) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "sx2" (i32.const 1) (i32.const 2)) (i32.const 9))
(assert_return (invoke "xi" (i32.const 3)) (i32.const 0x0d0c))
(assert_return (invoke "xi" (i32.const 0x80000001)) (i32.const 0x0908))
(assert_return (invoke "tee" (i32.const 3)) (i32.const 13))
(assert_return (invoke "inplace" (i32.const 3)) (i32.const 9))
