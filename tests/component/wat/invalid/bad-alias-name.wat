;; an export alias of a name the instance does not export
;; expect: alias: instance 0 has no export "b"
(component
  (import "i" (instance (export "a" (func))))
  (alias export 0 "b" (func)))
