;; two exports of the same name
;; expect: duplicate export name "run"
(component
  (core module $m (func (export "f")))
  (core instance $i (instantiate $m))
  (func $f (canon lift (core func $i "f")))
  (export "run" (func $f))
  (export "run" (func $f)))
