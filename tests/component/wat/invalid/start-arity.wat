;; start must take the func's results
;; expect: start: func 0 has 1 results, not 0
(component
  (core module $m (func (export "f") (result i32) i32.const 0))
  (core instance $i (instantiate $m))
  (func $f (result u32) (canon lift (core func $i "f")))
  (start $f))
