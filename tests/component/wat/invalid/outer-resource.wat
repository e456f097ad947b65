;; an outer alias may not carry a resource type into a nested component
;; expect: outer alias of type 0, which refers to a resource, out of a component
(component
  (type $r (resource (rep i32)))
  (component (alias outer 1 $r (type))))
