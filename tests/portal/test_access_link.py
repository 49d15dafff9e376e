"""First access and password reset: an e-mailed link that sets a password once."""

from __future__ import annotations

import re

import pytest

from contacts.models import ContactLink
from contacts.services.contacts import create_contact
from tests.conftest import SUPPLIER
from tests.portal.conftest import (
    ALL,
    PORTAL_PASSWORD,
    anonymous_client,
    form_errors,
    page,
    portal_client,
)

NEUTRAL_ACCESS_MESSAGE = (
    "If this address belongs to a portal user, we have sent a link to set a password. It works once."
)
NEW_PASSWORD = "Zonnige-dinsdag-2026!"


@pytest.fixture
def carla(supplier_user, bakkerij):
    """A contact of Bakkerij Jansen with an approved link, who never logged in to the portal."""
    return create_contact(
        actor=supplier_user,
        first_name="Carla",
        last_name="de Wit",
        email="carla@bakkerij-jansen.test",
        relation=bakkerij,
        link={"support_access": ALL},
    )


def access_path(message) -> str:
    match = re.search(r"http://" + re.escape(SUPPLIER.host) + r"(/portal/access/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def request_link(email: str):
    return anonymous_client().post("/portal/access/", {"email": email}, follow=True)


def set_password(client, path: str, password: str = NEW_PASSWORD):
    form_page = client.get(path, follow=True)
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    return client.post(set_url, {"new_password1": password, "new_password2": password}, follow=True)


def test_known_email_gets_one_email_with_a_link_to_this_portal(carla, mailoutbox):
    response = request_link("Carla@Bakkerij-Jansen.test")

    assert NEUTRAL_ACCESS_MESSAGE in page(response)
    assert [message.to for message in mailoutbox] == [["carla@bakkerij-jansen.test"]]
    assert mailoutbox[0].subject == "Set your password for the customer portal"
    assert access_path(mailoutbox[0]).startswith("/portal/access/")


def test_opening_the_link_and_setting_a_password_lets_the_contact_log_in(carla, bakkerij, mailoutbox):
    request_link(carla.email)
    client = anonymous_client()

    done = set_password(client, access_path(mailoutbox[0]))

    assert "Your password is set. You can log in now." in page(done)
    assert done.redirect_chain[-1][0] == "/portal/login/"
    landing = portal_client(carla, password=NEW_PASSWORD).get("/portal/", follow=True)
    assert landing.redirect_chain[-1][0] == f"/portal/o/{bakkerij.code}/"


def test_the_same_link_does_not_work_a_second_time(carla, mailoutbox):
    request_link(carla.email)
    path = access_path(mailoutbox[0])
    set_password(anonymous_client(), path)

    second = anonymous_client()
    reopened = second.get(path, follow=True)
    retry = second.post(path, {"new_password1": "Ander-wachtwoord-2026!", "new_password2": "Ander-wachtwoord-2026!"})

    assert "This link is no longer valid: it was used already or has expired." in page(reopened)
    assert "new_password1" not in page(reopened)
    assert retry.status_code == 200
    carla.refresh_from_db()
    assert carla.user.check_password(NEW_PASSWORD)


def test_a_password_reset_link_replaces_the_old_password(accountant, mailoutbox):
    request_link(accountant.email)

    set_password(anonymous_client(), access_path(mailoutbox[0]))

    refused = anonymous_client().post("/portal/login/", {"username": accountant.email, "password": PORTAL_PASSWORD})
    assert form_errors(page(refused))
    assert portal_client(accountant, password=NEW_PASSWORD).get("/portal/").status_code == 302


def test_unknown_email_gets_the_same_neutral_message_and_no_email(db, mailoutbox):
    response = request_link("niemand@nergens.test")

    assert NEUTRAL_ACCESS_MESSAGE in page(response)
    assert response.redirect_chain == [("/portal/login/", 302)]
    assert mailoutbox == []


def test_contact_without_an_approved_link_gets_no_email(supplier_user, bakkerij, mailoutbox):
    create_contact(
        actor=supplier_user,
        last_name="Aanvrager",
        email="aanvrager@elders.test",
        relation=bakkerij,
        link={"status": ContactLink.PortalStatus.REQUESTED},
    )

    response = request_link("aanvrager@elders.test")

    assert NEUTRAL_ACCESS_MESSAGE in page(response)
    assert mailoutbox == []


def test_staff_only_email_gets_the_neutral_message_and_no_email(db, mailoutbox):
    response = request_link(SUPPLIER.staff_email)

    assert NEUTRAL_ACCESS_MESSAGE in page(response)
    assert mailoutbox == []


def test_contact_whose_email_is_also_a_staff_login_gets_the_neutral_message(supplier_user, bakkerij, mailoutbox):
    create_contact(actor=supplier_user, last_name="Collega", email=SUPPLIER.staff_email, relation=bakkerij)

    response = request_link(SUPPLIER.staff_email.upper())

    assert response.status_code == 200
    assert NEUTRAL_ACCESS_MESSAGE in page(response)
