"""First access and password reset: an e-mailed link that sets a password once."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

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
    """The link's path; the link itself is on the contractant's own domain and SITE_PORT."""
    site = f"http://{SUPPLIER.host}:{settings.SITE_PORT}"
    match = re.search(re.escape(site) + r"(/portal/access/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def request_link(email: str, **extra):
    # The lookup and the e-mail run in the worker after commit (eager in tests).
    with TestCase.captureOnCommitCallbacks(execute=True):
        return anonymous_client().post("/portal/access/", {"email": email}, follow=True, **extra)


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


def test_the_link_ignores_the_host_and_port_the_request_claimed(carla, mailoutbox):
    request_link(carla.email, HTTP_HOST=f"{SUPPLIER.host}:6666")

    assert ":6666" not in mailoutbox[0].body
    assert access_path(mailoutbox[0]).startswith("/portal/access/")


def test_a_known_and_an_unknown_address_cost_the_request_the_same_queries(carla, mailoutbox):
    def queries_for(email: str) -> int:
        with CaptureQueriesContext(connection) as queries, TestCase.captureOnCommitCallbacks(execute=False):
            anonymous_client().post("/portal/access/", {"email": email})
        return len(queries)

    queries_for("warm@nergens.test")  # the host lookup is cached after a first request
    assert queries_for(carla.email) == queries_for("niemand@nergens.test")
    assert mailoutbox == []  # nothing looked up or sent before the request answered


def test_an_address_gets_at_most_three_links_an_hour_with_the_same_answer(carla, mailoutbox):
    responses = [request_link(carla.email, REMOTE_ADDR=f"198.51.100.{n}") for n in range(5)]

    assert all(NEUTRAL_ACCESS_MESSAGE in page(response) for response in responses)
    assert len(mailoutbox) == 3


def test_one_client_address_probing_many_addresses_is_throttled(carla, mailoutbox):
    for n in range(10):
        request_link(f"probeer{n}@nergens.test", REMOTE_ADDR="198.51.100.66")

    response = request_link(carla.email, REMOTE_ADDR="198.51.100.66")
    elsewhere = request_link(carla.email, REMOTE_ADDR="203.0.113.10")

    assert NEUTRAL_ACCESS_MESSAGE in page(response) and NEUTRAL_ACCESS_MESSAGE in page(elsewhere)
    assert len(mailoutbox) == 1
