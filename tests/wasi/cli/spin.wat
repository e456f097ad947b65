;; spin.wat — an endless loop that only vw_interrupt can stop (SIGINT/SIGTERM).
(module
  (memory (export "memory") 1)
  (func (export "_start") (loop $l br $l)))
