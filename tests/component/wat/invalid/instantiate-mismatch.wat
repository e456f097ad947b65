;; a component's import given a func of another type
;; expect: instantiate component 0: the argument for import "f" does not match its type
(component
  (import "g" (func $g (param "x" string)))
  (component $c (import "f" (func (param "x" u32))))
  (instance (instantiate $c (with "f" (func $g)))))
