;; a core module's global import given one of another type, through an
;; instance of inline exports
;; expect: instantiate core module 1: import "env" "g": the global given does not match (limits or type)
(component
  (core module $a (global (export "g") i32 (i32.const 0)))
  (core instance $a (instantiate $a))
  (core instance $env (export "g" (global $a "g")))
  (core module $m (import "env" "g" (global i64)))
  (core instance (instantiate $m (with "env" (instance $env)))))
