"""Portal users may switch two-factor login on (their account page); the portal login then asks
for the code too."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import SecurityEvent
from contacts.services.contacts import create_contact
from contacts.services.links import link_contact
from portal.services import grant_portal_login
from tests.conftest import STAFF_PASSWORD, SUPPLIER
from tests.factories import RelationFactory
from tests.mfa.conftest import code_for, english, page, password_login, shown_codes, wrong_code_for

PORTAL_LOGIN = "/portal/login/"


@pytest.fixture
def customer(supplier_user):
    contact = create_contact(actor=supplier_user, first_name="Ada", last_name="Klant", email="ada@klant.test")
    link_contact(
        contact=contact, relation=RelationFactory(name="Klant B.V."), actor=supplier_user, support_access="all"
    )
    grant_portal_login(contact=contact, password=STAFF_PASSWORD)
    contact.refresh_from_db()
    return contact


def test_portal_user_switches_two_factor_login_on_and_then_needs_the_code(customer):
    client = english(SUPPLIER)
    assert password_login(client, customer.email, path=PORTAL_LOGIN)["Location"] == "/portal/"
    assert "Two-factor login is off" in page(client.get("/portal/account/"))
    client.post("/portal/account/start/")
    device = TOTPDevice.objects.get(user=customer.user)
    assert client.post("/portal/account/confirm/", {"code": wrong_code_for(device)}).status_code == 400
    # As if the user waited out django-otp's back-off after the wrong code.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    codes = shown_codes(page(client.post("/portal/account/confirm/", {"code": code_for(device)})))
    assert len(codes) == 10
    client.post("/portal/logout/")

    again = english(SUPPLIER)
    assert password_login(again, customer.email, path=PORTAL_LOGIN)["Location"] == "/portal/login/code/"
    assert again.get("/portal/")["Location"].startswith("/portal/login/")
    assert again.post("/portal/login/code/", {"code": "000000"}).status_code == 400
    assert again.post("/portal/login/code/", {"code": codes[3]})["Location"] == "/portal/"
    assert again.get("/portal/", follow=True).status_code == 200

    refused = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PORTAL_LOGIN_FAILED).first()
    assert "Code voor tweestapsverificatie geweigerd" in refused.summary and refused.actor_label == customer.email
    assert "2FA" in SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PORTAL_LOGIN).first().summary


def test_the_portal_code_step_needs_the_password_step_first(customer):
    response = english(SUPPLIER).post("/portal/login/code/", {"code": "123456"})

    assert response["Location"] == PORTAL_LOGIN


def test_staff_two_factor_pages_are_not_the_portal_users(customer):
    client = english(SUPPLIER)
    password_login(client, customer.email, path=PORTAL_LOGIN)

    assert client.get("/account/two-factor/").status_code == 403
    assert client.post("/account/two-factor/start/").status_code == 403
    assert not TOTPDevice.objects.filter(user=customer.user).exists()
