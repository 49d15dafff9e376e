"""Portal personas borrowed from tests/portal, and the staff members notifications are for."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from notifications.services import notify
from tests.portal.conftest import (  # noqa: F401
    _empty_cache,
    _english,
    accountant,
    bakkerij,
    bouwbedrijf,
    cafe,
    staff_en,
    stranger,
)


def staff_member(email: str, **fields):
    return get_user_model().objects.create_user(username=email, email=email, is_staff=True, **fields)


@pytest.fixture
def karin(in_supplier):
    return staff_member("karin.devries@brightsoft.test", first_name="Karin", last_name="de Vries")


@pytest.fixture
def tell():
    """A notification for `user` as the services make them (a request waiting, by default)."""

    def make(user, *, kind="request_waiting", url="/portal-requests/", **params):
        params = params or {"member": "Sanne Smit", "relation": "Garage Snel"}
        [notification] = notify(recipients=[user], kind=kind, params=params, url=url, email=False)
        return notification

    return make
