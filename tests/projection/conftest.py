"""The live fixtures (a moto server on 127.0.0.1, `moto`, `audit`) for projection tests."""

from tests.live.conftest import audit, moto, moto_url  # noqa: F401
