"""Portal personas borrowed from tests/portal, for the portal's lists and the work list."""

from __future__ import annotations

from tests.portal.conftest import _empty_cache, _english, accountant, bakkerij, bouwbedrijf, cafe, staff_en  # noqa: F401
