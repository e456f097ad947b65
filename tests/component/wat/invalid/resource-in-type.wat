;; resource types cannot be defined inside an instance type
;; expect: resource types may only be defined in a component
(component (type (instance (type (resource (rep i32))))))
