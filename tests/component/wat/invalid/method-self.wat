;; a [method] takes self: borrow<r> first
;; expect: "[method]thing.poke": the first parameter must be self: borrow<thing>
(component
  (import "thing" (type $t (sub resource)))
  (import "[method]thing.poke" (func (param "x" u32))))
