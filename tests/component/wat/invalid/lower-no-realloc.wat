;; a lowered func returning a string needs a realloc to write it
;; expect: canon lower: the func type needs a realloc option
(component
  (import "f" (func $f (result string)))
  (core module $m (memory (export "mem") 1))
  (core instance $i (instantiate $m))
  (core func (canon lower (func $f) (memory (core memory $i "mem")))))
