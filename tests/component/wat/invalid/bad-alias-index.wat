;; an export alias of an instance that does not exist
;; expect: alias: instance index 3 out of range (0 defined)
(component (alias export 3 "x" (func)))
