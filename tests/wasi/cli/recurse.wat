;; recurse.wat — unbounded recursion: "call stack exhausted", exit 134.
(module
  (memory (export "memory") 1)
  (func $f (param i32) (result i32) local.get 0 i32.const 1 i32.add call $f)
  (func (export "_start") i32.const 0 call $f drop))
