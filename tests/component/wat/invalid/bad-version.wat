;; an interface name whose version is not semver
;; expect: name "wasi:cli/stdout@0.2" is not a kebab-case label or an interface name
(component (import "wasi:cli/stdout@0.2" (instance)))
