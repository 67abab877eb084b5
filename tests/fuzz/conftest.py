"""Hypothesis profiles for the fuzz tests: ``ci`` (bounded, the default) and ``long``.

Select one with ``HYPOTHESIS_PROFILE=long``; see docs/fuzzing.md for the long run's figures.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]

# ``max_examples`` is per test; a test that is slow per example scales it down with
# ``scaled(n)`` so the whole fuzz folder stays within about a minute in CI.
settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=_SLOW_OK, print_blob=True
)
settings.register_profile(
    "long", max_examples=20_000, deadline=None, suppress_health_check=_SLOW_OK, print_blob=True
)
settings.register_profile(
    "medium", max_examples=2_000, deadline=None, suppress_health_check=_SLOW_OK, print_blob=True
)
settings.register_profile(
    "smoke", max_examples=10, deadline=None, suppress_health_check=_SLOW_OK, print_blob=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
