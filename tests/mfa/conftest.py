"""Two-factor personas and helpers: codes computed from a device's key, as an authenticator app does."""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from mfa import services
from tests.conftest import STAFF_PASSWORD, Persona, client_for


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the app shows now (or `steps_ahead` periods later: a code is accepted once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code_for(device: TOTPDevice) -> str:
    right = {code_for(device, steps) for steps in (-1, 0, 1)}
    return next(code for code in ("123456", "654321", "111111", "222222") if code not in right)


def english(persona: Persona) -> Client:
    client = client_for(persona)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def staff_user(persona: Persona):
    return get_user_model().objects.get(username=persona.staff_email)


def enable_two_factor(user) -> tuple[TOTPDevice, list[str]]:
    """Two-factor login switched on for the user through the services (set up and confirmed)."""
    device = services.totp_setup_start(user=user)
    return services.totp_setup_confirm(user=user, code=code_for(device))


def password_login(client: Client, username: str, password: str = STAFF_PASSWORD, path: str = "/login/"):
    return client.post(path, {"username": username, "password": password})


def page(response) -> str:
    return response.content.decode()


def shown_codes(html: str) -> list[str]:
    block = re.search(r"data-recovery-codes>(.*?)</ul>", html, re.S)
    return re.findall(r"<code>([a-z0-9]+)</code>", block.group(1)) if block else []
