;; divzero.wat — integer division by zero, without a name section: the
;; backtrace falls back to export names or #index.
(module
  (memory (export "memory") 1)
  (func $div (param i32) (result i32) i32.const 1 local.get 0 i32.div_s)
  (func (export "_start") i32.const 0 call $div drop))
