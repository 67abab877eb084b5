"""Python rules that Rego expresses badly; each module's tests sit beside it."""
