"""The platform admin (public host) asks operators for a TOTP code when ADMIN_REQUIRE_2FA is on
(production's default); off in development and tests."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import client_for
from tests.mfa.conftest import code_for

OPERATOR_PASSWORD = "Platform-beheer-2026"


@pytest.fixture
def operator(db):
    user = get_user_model().objects.create_superuser("operator", "operator@platform.test", OPERATOR_PASSWORD)
    device = TOTPDevice.objects.create(user=user, name="operator phone", confirmed=True)
    return user, device


def test_admin_two_factor_is_off_outside_production():
    assert settings.ADMIN_REQUIRE_2FA is False


@override_settings(ADMIN_REQUIRE_2FA=True)
def test_operator_needs_a_code_from_a_device_to_enter_the_admin(operator):
    _user, device = operator
    client = client_for("localhost")

    password_only = client.post("/admin/login/", {"username": "operator", "password": OPERATOR_PASSWORD})
    assert password_only.status_code == 200 and 'name="otp_token"' in password_only.content.decode()
    assert client.get("/admin/")["Location"].startswith("/admin/login/")

    response = client.post(
        "/admin/login/",
        {
            "username": "operator",
            "password": OPERATOR_PASSWORD,
            "otp_device": device.persistent_id,
            "otp_token": code_for(device),
        },
    )

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_without_the_setting_the_password_suffices(operator):
    client = client_for("localhost")

    assert client.post("/admin/login/", {"username": "operator", "password": OPERATOR_PASSWORD}).status_code == 302
    assert client.get("/admin/").status_code == 200
