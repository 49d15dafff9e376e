"""Login throttling an attacker cannot walk around (issue 14, finding 5).

Failures count per username from any address and per address for any username; behind the
production proxy the address is the client's, taken from X-Forwarded-For only as far as
TRUSTED_PROXY_COUNT says our own proxies wrote it.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import RequestFactory, override_settings

from audit.client_ip import address_network, client_ip
from audit.models import SecurityEvent
from tests.conftest import ALPHA, STAFF_PASSWORD, SUPPLIER, client_for
from tests.portal.conftest import PORTAL_PASSWORD, anonymous_client
from tests.portal.test_login import is_logged_in_at_portal

ATTACKER, VICTIM_OFFICE = "198.51.100.66", "203.0.113.10"


def fail_staff_logins(username: str, times: int = 5, **extra) -> None:
    client = client_for(SUPPLIER)
    for _ in range(times):
        client.post("/login/", {"username": username, "password": "geraden-wachtwoord"}, **extra)


def test_five_failures_from_one_address_lock_that_username_at_every_address(supplier):
    fail_staff_logins(SUPPLIER.staff_email, REMOTE_ADDR=ATTACKER)

    response = client_for(SUPPLIER).post(
        "/login/", {"username": SUPPLIER.staff_email, "password": STAFF_PASSWORD}, REMOTE_ADDR=VICTIM_OFFICE
    )

    assert response.status_code == 429


def test_one_address_guessing_many_usernames_is_locked_for_every_username(supplier):
    for number in range(5):
        fail_staff_logins(f"gok{number}@brightsoft.test", times=1, REMOTE_ADDR=ATTACKER)

    from_the_attacker = client_for(SUPPLIER).post(
        "/login/", {"username": SUPPLIER.staff_email, "password": STAFF_PASSWORD}, REMOTE_ADDR=ATTACKER
    )
    from_the_office = client_for(SUPPLIER).post(
        "/login/", {"username": SUPPLIER.staff_email, "password": STAFF_PASSWORD}, REMOTE_ADDR=VICTIM_OFFICE
    )

    assert from_the_attacker.status_code == 429
    assert from_the_office.status_code == 302


def test_without_a_trusted_proxy_a_forged_forwarded_header_changes_nothing(supplier):
    for number in range(5):
        fail_staff_logins(
            f"gok{number}@brightsoft.test", times=1, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"10.0.0.{number}"
        )

    response = client_for(SUPPLIER).post(
        "/login/",
        {"username": SUPPLIER.staff_email, "password": STAFF_PASSWORD},
        REMOTE_ADDR=ATTACKER,
        HTTP_X_FORWARDED_FOR="10.0.0.99",
    )

    assert response.status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_the_client_is_locked_out_and_logged_not_the_proxy(supplier):
    proxy = "10.0.0.2"
    fail_staff_logins(SUPPLIER.staff_email, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {ATTACKER}")

    # A colleague behind the same proxy, with their own username, is not caught by the address lock.
    colleague = get_user_model()
    connection.set_tenant(supplier)
    colleague.objects.create_user("collega@brightsoft.test", "collega@brightsoft.test", STAFF_PASSWORD, is_staff=True)
    response = client_for(SUPPLIER).post(
        "/login/",
        {"username": "collega@brightsoft.test", "password": STAFF_PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=VICTIM_OFFICE,
    )

    assert response.status_code == 302
    connection.set_tenant(supplier)
    lockouts = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKED_OUT)
    assert {event.ip_address for event in lockouts} == {ATTACKER}
    failures = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.STAFF_LOGIN_FAILED)
    assert {event.ip_address for event in failures} == {ATTACKER}


def test_the_portal_login_is_locked_per_username_at_every_address(accountant):
    attacker = anonymous_client()
    for _ in range(5):
        attacker.post("/portal/login/", {"username": accountant.email, "password": "Fout-2026"}, REMOTE_ADDR=ATTACKER)

    owner = anonymous_client()
    owner.post("/portal/login/", {"username": accountant.email, "password": PORTAL_PASSWORD}, REMOTE_ADDR=VICTIM_OFFICE)

    assert not is_logged_in_at_portal(owner)


def test_the_platform_admin_login_is_locked_per_username_at_every_address(db):
    get_user_model().objects.create_superuser("operator", "operator@platform.test", "Platform-beheer-2026")
    for _ in range(5):
        client_for("localhost").post(
            "/admin/login/", {"username": "operator", "password": "geraden"}, REMOTE_ADDR=ATTACKER
        )

    response = client_for("localhost").post(
        "/admin/login/", {"username": "operator", "password": "Platform-beheer-2026"}, REMOTE_ADDR=VICTIM_OFFICE
    )

    assert response.status_code == 429
    assert "staff/locked_out.html" in [template.name for template in response.templates]


def test_an_ipv6_client_is_locked_out_for_its_whole_64_and_logged_with_its_own_address(supplier):
    for number in range(5):
        fail_staff_logins(f"gok{number}@brightsoft.test", times=1, REMOTE_ADDR=f"2001:db8:1:2::{number + 1}")

    from_the_same_64 = client_for(SUPPLIER).post(
        "/login/", {"username": SUPPLIER.staff_email, "password": STAFF_PASSWORD}, REMOTE_ADDR="2001:db8:1:2:ffff::9"
    )
    from_another_64 = client_for(SUPPLIER).post(
        "/login/", {"username": SUPPLIER.staff_email, "password": STAFF_PASSWORD}, REMOTE_ADDR="2001:db8:1:3::1"
    )

    assert from_the_same_64.status_code == 429
    assert from_another_64.status_code == 302
    connection.set_tenant(supplier)
    # The attempt that locked the address and the one refused: each with its own, full address.
    lockouts = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKED_OUT)
    assert {event.ip_address for event in lockouts} == {"2001:db8:1:2::5", "2001:db8:1:2:ffff::9"}
    failures = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.STAFF_LOGIN_FAILED)
    assert {event.ip_address for event in failures} == {f"2001:db8:1:2::{n}" for n in range(1, 6)} | {
        "2001:db8:1:2:ffff::9"
    }


@pytest.mark.parametrize(
    ("address", "counted"),
    [
        ("203.0.113.5", "203.0.113.5"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::"),
        ("2001:DB8:1:2::1", "2001:db8:1:2::"),
        ("::ffff:203.0.113.5", "203.0.113.5"),  # one IPv4 client, not the /64 of every mapped address
        ("not-an-address", None),
        (None, None),
    ],
)
def test_limits_count_an_ipv6_client_by_its_64(address, counted):
    assert address_network(address) == counted


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "10.0.0.1"),  # no trusted proxy: the header is the client's own claim
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the forged left part is ignored
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (2, "203.0.113.5", "10.0.0.1"),  # shorter than the proxies we have: it bypassed one
        (1, "not-an-address", "10.0.0.1"),
        (1, "", "10.0.0.1"),
    ],
)
def test_the_client_address_is_the_one_our_outermost_proxy_saw(count, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    with override_settings(TRUSTED_PROXY_COUNT=count):
        assert client_ip(request) == expected


def test_alpha_is_untouched_by_a_lockout_at_the_supplier(supplier):
    fail_staff_logins(SUPPLIER.staff_email, REMOTE_ADDR=ATTACKER)

    response = client_for(ALPHA).post(
        "/login/", {"username": ALPHA.staff_email, "password": STAFF_PASSWORD}, REMOTE_ADDR=ATTACKER
    )

    assert response.status_code == 302
