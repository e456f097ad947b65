;; post-return takes the lifted core func's results
;; expect: canon lift: post-return has type [] -> [], not [i32] -> []
(component
  (core module $m (func (export "f") (result i32) i32.const 0) (func (export "p")))
  (core instance $i (instantiate $m))
  (func (result u32) (canon lift (core func $i "f") (post-return (core func $i "p")))))
