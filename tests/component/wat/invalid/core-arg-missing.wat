;; a core module's import with no instance given for it
;; expect: instantiate core module 0: no argument "env" for its import "env" "f"
(component
  (core module $m (import "env" "f" (func)))
  (core instance (instantiate $m)))
