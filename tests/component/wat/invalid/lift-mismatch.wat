;; the core func's type is not the flattening of the func type
;; expect: canon lift: core func 0 has type [i32] -> [], but the func type flattens to [i64] -> []
(component
  (core module $m (func (export "f") (param i32)))
  (core instance $i (instantiate $m))
  (func (param "x" u64) (canon lift (core func $i "f"))))
