;; Nested components, component instantiation with type-checked
;; arguments, export and outer aliases, a type import and a start
;; function.
(component
  (type $t (tuple u32 string))
  (import "log" (func $log (param "msg" string)))
  (import "r" (type $r (sub resource)))
  (component $inner
    (import "log" (func (param "msg" string)))
    (alias outer 1 $t (type $t2))
    (core module $m (func (export "f") (param i32)))
    (core instance $i (instantiate $m))
    (func $f (param "n" u32) (canon lift (core func $i "f")))
    (export "f" (func $f)))
  (component $empty)
  (instance $a (instantiate $inner (with "log" (func $log))))
  (instance $b (instantiate $empty))
  (alias export $a "f" (func $f))
  (instance $bundle (export "f" (func $f)) (export "t" (type $t)))
  (alias outer 0 $t (type $t-again))
  (core module $cm (func (export "start")))
  (core instance $ci (instantiate $cm))
  (func $s (canon lift (core func $ci "start")))
  (start $s)
  (export "f" (func $f))
  (export "bundle" (instance $bundle))
  (export "inner" (component $inner))
)
