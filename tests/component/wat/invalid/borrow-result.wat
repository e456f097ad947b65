;; a func may not return a borrow
;; expect: a function result may not hold a borrow
(component
  (import "r" (type $r (sub resource)))
  (type (func (result (borrow $r)))))
