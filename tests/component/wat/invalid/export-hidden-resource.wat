;; an exported func may only use resources imported or exported before it
;; expect: export "make": it uses a resource that is not imported or exported before it
(component
  (type $r (resource (rep i32)))
  (core module $m (func (export "f") (result i32) i32.const 0))
  (core instance $i (instantiate $m))
  (func $f (result (own $r)) (canon lift (core func $i "f")))
  (export "make" (func $f)))
