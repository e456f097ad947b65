;; an export alias of the wrong sort
;; expect: alias: export "a" of instance 0 has sort func, not instance
(component
  (import "i" (instance (export "a" (func))))
  (alias export 0 "a" (instance)))
