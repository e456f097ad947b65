;; resource.drop of a record
;; expect: canon resource.drop: the type is a record, not a resource
(component
  (type $r (record (field "a" u8)))
  (core func (canon resource.drop $r)))
