;; a nested core module the engine rejects: the offset is in the component
;; expect: core module 0: type mismatch
(component (core module (func (result i32))))
