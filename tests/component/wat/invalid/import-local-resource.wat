;; an import's type may not use a resource this component defines
;; expect: import "f": it uses a resource that is not imported or exported before it
(component
  (type $r (resource (rep i32)))
  (import "f" (func (result (own $r)))))
