;; an export name that is not kebab-case
;; expect: name "run_fast" is not a kebab-case label
(component
  (import "f" (func $f))
  (export "run_fast" (func $f)))
