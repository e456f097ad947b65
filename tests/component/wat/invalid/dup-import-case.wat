;; names are unique ignoring case
;; expect: duplicate import name "A-B"
(component
  (import "a-b" (func))
  (import "A-B" (func)))
