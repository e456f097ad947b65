;; a core module's import given a func of another type
;; expect: import "env" "f" has type [i32] -> [], but is given [] -> []
(component
  (core module $a (func (export "f")))
  (core instance $a (instantiate $a))
  (core module $m (import "env" "f" (func (param i32))))
  (core instance (instantiate $m (with "env" (instance $a)))))
