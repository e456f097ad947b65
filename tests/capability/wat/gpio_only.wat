;; gpio_only.wat — a module that imports one vyoma_hal function (gpio_open):
;; it instantiates only where the manifest grants gpio.
(module
  (import "vyoma_hal" "gpio_open" (func $open (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "open") (param i32 i32) (result i32) local.get 0 local.get 1 call $open))
