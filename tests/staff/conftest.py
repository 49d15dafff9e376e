"""Portal personas borrowed from tests/portal, for the portal's lists."""

from __future__ import annotations

from tests.portal.conftest import _empty_cache, accountant, bakkerij, bouwbedrijf, cafe  # noqa: F401
