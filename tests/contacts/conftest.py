from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Service messages in English, whatever language an earlier request left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def client_en(supplier_staff_client, in_supplier):
    """A supplier's staff member with the UI in English; the connection stays on the supplier's schema."""
    supplier_staff_client.post("/i18n/setlang/", {"language": "en"})
    return supplier_staff_client
