;; a core module's memory import given a memory too small
;; expect: instantiate core module 1: import "env" "mem": the memory given does not match (limits or type)
(component
  (core module $a (memory (export "mem") 1))
  (core instance $a (instantiate $a))
  (core module $m (import "env" "mem" (memory 2)))
  (core instance (instantiate $m (with "env" (instance $a)))))
