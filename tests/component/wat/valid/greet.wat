;; A component written by hand, not made from a preview 1 module: it
;; imports a real interface (a resource and a method), lowers it, defines a
;; resource of its own, and lifts functions over records, variants, enums,
;; flags, options, results, tuples, lists and strings.
(component
  (import "wasi:io/streams@0.2.0" (instance $streams
    (export "output-stream" (type (sub resource)))
    (type $os (borrow 0))
    (type $bytes (list u8))
    (type $err (variant (case "closed")))
    (type $res (result (error $err)))
    (export "[method]output-stream.write"
      (func (param "self" $os) (param "contents" $bytes) (result $res)))))
  (alias export $streams "output-stream" (type $output-stream))
  (alias export $streams "[method]output-stream.write" (func $write))

  (type $point (record (field "x" s32) (field "y" s32)))
  (type $shape (variant (case "circle" f64) (case "square" $point) (case "none")))
  (type $color (enum "red" "green" "blue"))
  (type $perms (flags "read" "write" "exec"))
  (type $maybe (option string))
  (type $pair (tuple u8 u64))
  (type $names (list string))
  (type $outcome (result $point (error $color)))

  (core module $libc
    (memory (export "mem") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) i32.const 8))
  (core instance $libc (instantiate $libc))
  (core func $write-lowered (canon lower (func $write)
    (memory (core memory $libc "mem")) (realloc (core func $libc "realloc"))))

  (type $counter (resource (rep i32)))
  (core func $counter-new (canon resource.new $counter))
  (core func $counter-rep (canon resource.rep $counter))
  (core func $counter-drop (canon resource.drop $counter))
  (core func $stream-drop (canon resource.drop $output-stream))

  (core module $app
    (import "libc" "mem" (memory 1))
    (import "host" "write" (func (param i32 i32 i32 i32)))
    (import "host" "counter-new" (func (param i32) (result i32)))
    (import "host" "counter-rep" (func (param i32) (result i32)))
    (import "host" "stream-drop" (func (param i32)))
    (func (export "greet") (param i32 i32) (result i32) i32.const 0)
    (func (export "greet-post") (param i32))
    (func (export "area") (param i32 i64 i32) (result f64) f64.const 0)
    (func (export "mix") (param i32 i32 i32 i32 i32 i32 i64) (result i32) i32.const 0)
    (func (export "new") (param i32) (result i32) i32.const 0)
    (func (export "run")))
  (core instance $host
    (export "write" (func $write-lowered))
    (export "counter-new" (func $counter-new))
    (export "counter-rep" (func $counter-rep))
    (export "stream-drop" (func $stream-drop)))
  (core instance $app (instantiate $app
    (with "libc" (instance $libc)) (with "host" (instance $host))))

  (func $greet (param "name" string) (result string)
    (canon lift (core func $app "greet") (memory (core memory $libc "mem"))
      (realloc (core func $libc "realloc")) (post-return (core func $app "greet-post"))))
  (func $area (param "s" $shape) (result f64) (canon lift (core func $app "area")))
  (func $mix (param "c" $color) (param "p" $perms) (param "m" $maybe)
    (param "t" $pair) (result $outcome)
    (canon lift (core func $app "mix") (memory (core memory $libc "mem"))
      (realloc (core func $libc "realloc"))))
  (export $counter-t "counter" (type $counter))
  (func $new (param "start" u32) (result (own $counter-t))
    (canon lift (core func $app "new")))
  (func $run (canon lift (core func $app "run")))
  (export "greet" (func $greet))
  (export "area" (func $area))
  (export "mix" (func $mix))
  (export "[constructor]counter" (func $new))
  (export "run" (func $run))
)
