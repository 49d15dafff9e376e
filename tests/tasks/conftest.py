"""Portal personas borrowed from tests/portal, for the conversation seen from both sides."""

from __future__ import annotations

from tests.portal.conftest import (  # noqa: F401
    _empty_cache,
    _english,
    accountant,
    bakkerij,
    bouwbedrijf,
    cafe,
    org_admin,
    staff_en,
)
