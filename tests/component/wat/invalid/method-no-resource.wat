;; a [method] name needs its resource declared before it
;; expect: "[method]thing.poke": no resource "thing" declared before it
(component (import "[method]thing.poke" (func)))
