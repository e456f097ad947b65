;; resource.new only for a resource this component defines
;; expect: canon resource.new: the resource is not defined by this component
(component
  (import "r" (type $r (sub resource)))
  (core func (canon resource.new $r)))
