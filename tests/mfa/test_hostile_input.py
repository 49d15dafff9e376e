"""The two-factor forms that need a device in a given state (so tests/test_every_form.py leaves
them out): hostile values in every field never give a server error, unescaped markup or an
off-site redirect, and lose nothing (the device stays as it was)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from mfa.models import TwoFactorPolicy
from tests.conftest import STAFF_PASSWORD, SUPPLIER
from tests.mfa.conftest import enable_two_factor, english, password_login, staff_user
from tests.test_every_form import forms_on
from tests.test_every_form import fuzz_form as _fuzz_form


def two_factor_forms(client, url: str):
    """The page's own forms (not the header's log-out and language switch)."""
    return [form for form in forms_on(client, url) if "two-factor" in form.action or "/login/" in form.action]


def fuzz_form(client, form) -> None:
    _fuzz_form(client, form, SUPPLIER.host)


def test_setup_confirm_form_survives_hostile_input(in_supplier):
    client = english(SUPPLIER)
    password_login(client, SUPPLIER.staff_email)
    client.post("/account/two-factor/start/")

    forms = two_factor_forms(client, "/account/two-factor/")
    assert {form.action.split("/")[-2] for form in forms} == {"confirm", "start"}
    for form in forms:
        fuzz_form(client, form)


def test_recovery_and_disable_forms_survive_hostile_input(in_supplier):
    user = staff_user(SUPPLIER)
    device, _codes = enable_two_factor(user)
    client = english(SUPPLIER)
    client.force_login(user)

    forms = two_factor_forms(client, "/account/two-factor/")
    assert {form.action.split("/")[-2] for form in forms} == {"recovery-codes", "disable"}
    for form in forms:
        fuzz_form(client, form)
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()


def test_login_code_and_forced_setup_forms_survive_hostile_input(in_supplier):
    enable_two_factor(staff_user(SUPPLIER))
    client = english(SUPPLIER)
    password_login(client, SUPPLIER.staff_email)
    for form in two_factor_forms(client, "/login/code/"):
        fuzz_form(client, form)

    TwoFactorPolicy.objects.create(staff_required=True)
    get_user_model().objects.create_user(
        username="nieuw@brightsoft.test", email="nieuw@brightsoft.test", password=STAFF_PASSWORD, is_staff=True
    )
    newcomer = english(SUPPLIER)
    assert password_login(newcomer, "nieuw@brightsoft.test")["Location"] == "/login/setup/"
    for form in two_factor_forms(newcomer, "/login/setup/"):
        fuzz_form(newcomer, form)
    assert not TOTPDevice.objects.filter(user__username="nieuw@brightsoft.test", confirmed=True).exists()
