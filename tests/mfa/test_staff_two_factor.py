"""Staff two-factor login: set-up with a QR code and a confirming code, recovery codes, switching
it off, the login's second step, the security log, and a contractant's policy requiring it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import SecurityEvent
from mfa import services
from mfa.models import TwoFactorPolicy
from tests.conftest import ALPHA, STAFF_PASSWORD, SUPPLIER
from tests.mfa.conftest import (
    code_for,
    enable_two_factor,
    english,
    page,
    password_login,
    shown_codes,
    staff_user,
    wrong_code_for,
)


@pytest.fixture
def staff(in_supplier):
    """The supplier's staff administrator, logged in with the password (two-factor login off)."""
    client = english(SUPPLIER)
    assert password_login(client, SUPPLIER.staff_email)["Location"] == "/"
    return client


def is_logged_in(client) -> bool:
    return client.get("/").status_code == 200


def test_setup_shows_a_qr_code_and_the_key_and_refuses_a_wrong_code(staff):
    assert staff.post("/account/two-factor/start/")["Location"] == "/account/two-factor/"
    setup = page(staff.get("/account/two-factor/"))
    device = TOTPDevice.objects.get(user=staff_user(SUPPLIER))
    assert re.search(r'<img class="totp-qr" src="data:image/svg\+xml', setup)
    key = re.search(r"<code data-totp-secret>([A-Z2-7 ]+)</code>", setup).group(1)
    assert len(key.replace(" ", "")) == 32

    refused = staff.post("/account/two-factor/confirm/", {"code": wrong_code_for(device)})

    assert refused.status_code == 400
    assert "That code is not right" in page(refused)
    device.refresh_from_db()
    assert not device.confirmed, "a wrong code switches nothing on"
    assert key in page(refused), "the same key is offered again: nothing to scan twice"


def test_setup_confirmed_with_the_right_code_shows_the_recovery_codes_once(staff):
    staff.post("/account/two-factor/start/")
    device = TOTPDevice.objects.get(user=staff_user(SUPPLIER))

    confirmed = staff.post("/account/two-factor/confirm/", {"code": code_for(device)})

    codes = shown_codes(page(confirmed))
    assert len(codes) == 10 and len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed
    later = page(staff.get("/account/two-factor/"))
    assert "10 recovery codes left" in later
    assert not any(code in later for code in codes), "recovery codes are shown only once"
    switched_on = SecurityEvent.objects.get(kind=SecurityEvent.Kind.TWO_FACTOR_ENABLED)
    assert switched_on.actor.username == SUPPLIER.staff_email


def test_password_alone_is_not_enough_once_two_factor_login_is_on(in_supplier):
    enable_two_factor(staff_user(SUPPLIER))
    client = english(SUPPLIER)

    response = password_login(client, SUPPLIER.staff_email)

    assert response["Location"] == "/login/code/"
    assert not is_logged_in(client)
    assert "Logging in as staff@brightsoft.test" in page(client.get("/login/code/"))


def test_the_code_from_the_app_logs_in_and_the_log_says_2fa(in_supplier):
    device, _codes = enable_two_factor(staff_user(SUPPLIER))
    client = english(SUPPLIER)
    password_login(client, SUPPLIER.staff_email)

    response = client.post("/login/code/", {"code": code_for(device, steps_ahead=1)})

    assert response["Location"] == "/"
    assert is_logged_in(client)
    login = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.STAFF_LOGIN).first()
    assert "2FA" in login.summary and login.actor.username == SUPPLIER.staff_email


def test_the_login_goes_on_to_the_page_asked_for(in_supplier):
    device, _codes = enable_two_factor(staff_user(SUPPLIER))
    client = english(SUPPLIER)
    client.post("/login/?next=/tasks/", {"username": SUPPLIER.staff_email, "password": STAFF_PASSWORD})

    assert client.post("/login/code/", {"code": code_for(device, steps_ahead=1)})["Location"] == "/tasks/"


def test_a_wrong_code_is_refused_recorded_and_throttled(in_supplier):
    device, _codes = enable_two_factor(staff_user(SUPPLIER))
    client = english(SUPPLIER)
    password_login(client, SUPPLIER.staff_email)

    wrong = client.post("/login/code/", {"code": wrong_code_for(device)})
    right_but_too_soon = client.post("/login/code/", {"code": code_for(device, steps_ahead=1)})

    assert wrong.status_code == 400 and "That code is not right" in page(wrong)
    # django-otp's back-off: after a wrong code the device waits before it checks another one.
    assert right_but_too_soon.status_code == 400 and "Too many wrong codes" in page(right_but_too_soon)
    assert not is_logged_in(client)
    refused = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.STAFF_LOGIN_FAILED)
    assert refused.count() == 2
    assert {event.actor_label for event in refused} == {SUPPLIER.staff_email}
    assert refused.first().summary == "Code voor tweestapsverificatie geweigerd."


def test_after_a_few_wrong_codes_the_password_is_asked_again(in_supplier):
    device, _codes = enable_two_factor(staff_user(SUPPLIER))
    client = english(SUPPLIER)
    password_login(client, SUPPLIER.staff_email)
    for _ in range(services.PENDING_ATTEMPTS - 1):
        assert client.post("/login/code/", {"code": "000000"}).status_code == 400

    last = client.post("/login/code/", {"code": "000000"}, follow=True)

    assert last.redirect_chain == [("/login/", 302)]
    assert "Too many wrong codes. Log in with your password again" in page(last)
    assert client.get("/login/code/")["Location"] == "/login/"


def test_a_recovery_code_works_once(in_supplier):
    _device, codes = enable_two_factor(staff_user(SUPPLIER))
    first = english(SUPPLIER)
    password_login(first, SUPPLIER.staff_email)

    assert first.post("/login/code/", {"code": codes[0].upper()})["Location"] == "/"
    assert is_logged_in(first)
    again = english(SUPPLIER)
    password_login(again, SUPPLIER.staff_email)
    assert again.post("/login/code/", {"code": codes[0]}).status_code == 400
    assert not is_logged_in(again)
    assert StaticToken.objects.filter(device__user=staff_user(SUPPLIER)).count() == 9


def test_new_recovery_codes_replace_the_old_ones(staff):
    _device, old = enable_two_factor(staff_user(SUPPLIER))

    new = shown_codes(page(staff.post("/account/two-factor/recovery-codes/")))

    assert len(new) == 10 and not set(new) & set(old)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.RECOVERY_CODES_RENEWED).count() == 1
    tokens = set(StaticToken.objects.filter(device__user=staff_user(SUPPLIER)).values_list("token", flat=True))
    assert tokens == set(new)


def test_switching_off_needs_the_password(staff):
    enable_two_factor(staff_user(SUPPLIER))

    refused = staff.post("/account/two-factor/disable/", {"password": "geraden"})

    assert refused.status_code == 400 and "The password is not right" in page(refused)
    assert TOTPDevice.objects.filter(user=staff_user(SUPPLIER)).exists()
    assert staff.post("/account/two-factor/disable/", {"password": STAFF_PASSWORD}).status_code == 302
    assert not TOTPDevice.objects.filter(user=staff_user(SUPPLIER)).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.TWO_FACTOR_DISABLED).count() == 1
    assert password_login(english(SUPPLIER), SUPPLIER.staff_email)["Location"] == "/"


# --- The contractant's policy -----------------------------------------------------------------


@pytest.fixture
def colleague(in_supplier):
    return get_user_model().objects.create_user(
        username="collega@brightsoft.test", email="collega@brightsoft.test", password=STAFF_PASSWORD, is_staff=True
    )


def test_an_administrator_requires_it_only_after_using_it_himself(staff):
    refused = staff.post("/two-factor-policy/", {"staff_required": "on"})

    assert refused.status_code == 400 and "Set up two-factor login for your own account first" in page(refused)
    assert not TwoFactorPolicy.objects.filter(staff_required=True).exists()
    enable_two_factor(staff_user(SUPPLIER))
    assert staff.post("/two-factor-policy/", {"staff_required": "on"})["Location"] == "/two-factor-policy/"
    assert TwoFactorPolicy.objects.get().staff_required
    changed = SecurityEvent.objects.get(kind=SecurityEvent.Kind.TWO_FACTOR_POLICY)
    assert changed.summary == "Tweestapsverificatie verplicht voor alle medewerkers."


def test_only_administrators_see_the_policy_page(colleague):
    client = english(SUPPLIER)
    password_login(client, colleague.username)

    assert client.get("/two-factor-policy/").status_code == 403
    assert client.post("/two-factor-policy/", {"staff_required": "on"}).status_code == 403


def test_required_policy_sends_staff_without_a_device_to_setup_and_nowhere_else(colleague):
    TwoFactorPolicy.objects.create(staff_required=True)
    client = english(SUPPLIER)

    assert password_login(client, colleague.username)["Location"] == "/login/setup/"
    setup = page(client.get("/login/setup/"))
    assert "Your organisation requires two-factor login" in setup and "data:image/svg+xml" in setup
    for elsewhere in ["/", "/tasks/", "/account/two-factor/", "/relations/"]:
        assert client.get(elsewhere)["Location"].startswith("/login/"), elsewhere
    device = TOTPDevice.objects.get(user=colleague, confirmed=False)
    assert client.post("/login/setup/", {"code": wrong_code_for(device)}).status_code == 400
    assert not is_logged_in(client)

    # As if the colleague waited out django-otp's back-off after the wrong code.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    done = client.post("/login/setup/", {"code": code_for(device)})

    assert len(shown_codes(page(done))) == 10
    assert is_logged_in(client)
    assert "2FA" in SecurityEvent.objects.filter(kind=SecurityEvent.Kind.STAFF_LOGIN).first().summary
    # Required: it cannot be switched off.
    refused = client.post("/account/two-factor/disable/", {"password": STAFF_PASSWORD})
    assert refused.status_code == 400 and "cannot be switched off" in page(refused)


def test_the_policy_page_shows_in_dutch(staff):
    staff.cookies.pop("django_language", None)
    response = staff.get("/two-factor-policy/")

    assert "Beleid tweestapsverificatie" in page(response)


# --- Tenant isolation -------------------------------------------------------------------------


def test_a_device_in_one_contractant_does_nothing_in_another(supplier, alpha):
    connection.set_tenant(supplier)
    device, codes = enable_two_factor(staff_user(SUPPLIER))
    waiting = english(SUPPLIER)
    assert password_login(waiting, SUPPLIER.staff_email)["Location"] == "/login/code/"

    # The half-done login's session belongs to the supplier's host: at alpha it is nobody's.
    at_alpha = waiting.post("/login/code/", {"code": code_for(device, steps_ahead=1)}, HTTP_HOST=ALPHA.host)
    assert at_alpha["Location"] == "/login/"
    recovery = waiting.post("/login/code/", {"code": codes[0]}, HTTP_HOST=ALPHA.host)
    assert recovery["Location"] == "/login/"

    # Alpha's own staff, whose user may well share the id, logs in with the password alone.
    connection.set_tenant(alpha)
    assert not TOTPDevice.objects.exists()
    assert password_login(english(ALPHA), ALPHA.staff_email)["Location"] == "/"
    connection.set_tenant(supplier)
    assert StaticToken.objects.filter(device__user=staff_user(SUPPLIER)).count() == 10
