"""Bundled policies, rules and baselines (mapped from the top-level folders at build time)."""
