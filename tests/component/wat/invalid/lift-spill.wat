;; two results spill to memory: the core func must return a pointer
;; expect: canon lift: core func 0 has type [] -> [i32 i32], but the func type flattens to [] -> [i32]
(component
  (core module $m (memory (export "mem") 1) (func (export "f") (result i32 i32) i32.const 0 i32.const 0))
  (core instance $i (instantiate $m))
  (type $t (tuple u32 u32))
  (func (result $t) (canon lift (core func $i "f") (memory (core memory $i "mem")))))
