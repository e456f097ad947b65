;; an outer alias past the outermost component
;; expect: outer alias: 2 scopes out, but only 1 enclose
(component
  (type (tuple u8))
  (component (alias outer 2 0 (type))))
