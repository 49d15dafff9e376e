"""Personas for the security log: the supplier's staff administrator (its first user, a superuser),
a plain staff member, portal users and the relink scenario, borrowed from the other apps' tests."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from tests.conftest import STAFF_PASSWORD, SUPPLIER, client_for
from tests.portal.conftest import _empty_cache, bakkerij, org_admin, stranger  # noqa: F401
from tests.subscriptions.conftest import scenario  # noqa: F401

PLAIN_STAFF_EMAIL = "medewerker@brightsoft.test"


@pytest.fixture(autouse=True)
def _english():
    """Service messages in English, whatever language an earlier request left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def plain_staff_user(in_supplier):
    """A supplier's staff member who is not a staff administrator."""
    return get_user_model().objects.create_user(
        username=PLAIN_STAFF_EMAIL, email=PLAIN_STAFF_EMAIL, password=STAFF_PASSWORD, is_staff=True
    )


def staff_client(email: str = SUPPLIER.staff_email, *, language: str = "en"):
    client = client_for(SUPPLIER)
    assert client.post("/login/", {"username": email, "password": STAFF_PASSWORD}).status_code == 302
    client.post("/i18n/setlang/", {"language": language})
    return client
