;; a component's import with no argument
;; expect: instantiate component 0: no argument for its import "f"
(component
  (component $c (import "f" (func)))
  (instance (instantiate $c)))
