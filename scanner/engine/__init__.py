"""Rule engine: embedded Rego, Python rules, and evaluate()."""
