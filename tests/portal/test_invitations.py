"""Adding a contact in the portal never links an existing person silently (issue 14, finding 3):
an address that belongs to someone already gets an invitation that person accepts; the admin
sees one answer whatever the address belongs to, and nothing of the person until they accept."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from audit.models import SecurityEvent
from contacts.models import Contact, ContactLink
from contacts.services.attributes import attribute_define, set_attribute_values
from contacts.services.contacts import create_contact
from contacts.services.out_of_service import mark_out_of_service
from portal.models import ContactInvitation
from tenants.models import Domain
from tests.conftest import SUPPLIER
from tests.portal.conftest import PORTAL_PASSWORD, org_url, page, portal_client, portal_person

Kind = SecurityEvent.Kind
SITE = f"http://{SUPPLIER.host}:{settings.SITE_PORT}"


def added(email: str) -> str:
    return (
        f"{email} is added. If this address is already known to us, its owner first gets an e-mail to accept, "
        "and is listed as invited until then."
    )


@pytest.fixture
def els(supplier_user, bouwbedrijf):
    """Els, a contact of Bouwbedrijf De Boer with a portal login, a phone number and an attribute."""
    contact = portal_person(
        supplier_user,
        first_name="Els",
        last_name="Bos",
        email="els.bos@elders.test",
        memberships=[(bouwbedrijf, {})],
    )
    contact.phone = "+31612345678"
    contact.save(update_fields=["phone"])
    definition = attribute_define(
        actor=supplier_user, name="Afdeling", type="text", visible_in_portal=True, editable_in_portal=True
    )
    set_attribute_values(contact=contact, values={definition.pk: "Inkoop geheim"}, actor=supplier_user)
    return contact


def add_contact(client, relation, capture, **data):
    with capture(execute=True):
        return client.post(org_url(relation, "contacts/new/"), data, follow=True)


def invitation_path(message) -> str:
    match = re.search(re.escape(SITE) + r"(/portal/invitations/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def main_part(html: str) -> str:
    return html.split('<main id="main"', 1)[1]


def test_an_existing_address_is_answered_like_a_new_one_and_nothing_of_the_person_is_shown(
    org_admin, els, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    client = portal_client(org_admin)
    new = add_contact(
        client, bakkerij, django_capture_on_commit_callbacks, last_name="Nieuw", email="nieuw@bakkerij-jansen.test"
    )
    mailoutbox.clear()

    known = add_contact(
        client,
        bakkerij,
        django_capture_on_commit_callbacks,
        first_name="Elsje",
        last_name="Bosch",
        email="ELS.Bos@Elders.TEST",
    )

    assert new.redirect_chain == known.redirect_chain == [(org_url(bakkerij, "contacts/"), 302)]
    assert added("nieuw@bakkerij-jansen.test") in page(new)
    assert added("ELS.Bos@Elders.TEST") in page(known)
    # Nothing linked, nothing of hers on the page: her name, phone and attribute stay hers.
    assert not ContactLink.objects.filter(contact=els, relation=bakkerij).exists()
    assert Contact.objects.filter(username="els.bos@elders.test").count() == 1
    html = main_part(page(client.get(org_url(bakkerij, "contacts/"))))
    for secret in ["Els Bos", "612345678", "Inkoop geheim", "Bouwbedrijf"]:
        assert secret not in page(known) and secret not in html
    assert "Elsje Bosch" in html and "ELS.Bos@Elders.TEST" in html and "invited" in html
    assert client.get(org_url(bakkerij, f"contacts/{els.code}/")).status_code == 404
    # She is asked, at her own address, on the contractant's own domain.
    [message] = mailoutbox
    assert message.to == ["els.bos@elders.test"]
    assert message.subject == "Invitation to join Bakkerij Jansen in the customer portal"
    assert "Bert Jansen invites you to be a contact of Bakkerij Jansen" in message.body
    invitation_path(message)
    [event] = SecurityEvent.objects.filter(kind=Kind.INVITATION_SENT)
    assert "Els Bos" in event.summary and event.actor_id == org_admin.user_id


def test_an_out_of_service_address_gets_the_same_answer_and_no_invitation_mail(
    org_admin, bakkerij, supplier_user, mailoutbox, django_capture_on_commit_callbacks
):
    leaver = create_contact(actor=supplier_user, first_name="Vera", last_name="Vertrokken", email="vera@elders.test")
    successor = create_contact(actor=supplier_user, last_name="Opvolger", email="opvolger@elders.test")
    mark_out_of_service(contact=leaver, successor=successor, effective_date=timezone.localdate(), actor=supplier_user)
    client = portal_client(org_admin)

    response = add_contact(
        client, bakkerij, django_capture_on_commit_callbacks, last_name="Onbekend", email="vera@elders.test"
    )

    assert added("vera@elders.test") in page(response)
    assert "Vera" not in main_part(page(response)) and "Vertrokken" not in main_part(page(response))
    assert not ContactLink.objects.filter(contact=leaver, relation=bakkerij).exists()
    assert mailoutbox == []
    assert "Onbekend" in main_part(page(client.get(org_url(bakkerij, "contacts/"))))


def test_the_invited_person_accepts_by_the_link_and_is_then_a_contact(
    org_admin, els, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    add_contact(
        portal_client(org_admin), bakkerij, django_capture_on_commit_callbacks, last_name="Bos", email=els.email
    )
    path = invitation_path(mailoutbox[0])
    client = portal_client(els)

    offer = client.get(path)
    assert offer.status_code == 200
    assert "Bert Jansen invites you to be a contact of Bakkerij Jansen." in page(offer)
    response = client.post(path, follow=True)

    assert response.redirect_chain == [(org_url(bakkerij), 302)]
    assert "You are now a contact of Bakkerij Jansen." in page(response)
    link = ContactLink.objects.get(contact=els, relation=bakkerij)
    assert (link.status, link.is_admin, link.support_access) == ("approved", False, "none")
    admin_list = main_part(page(portal_client(org_admin).get(org_url(bakkerij, "contacts/"))))
    assert "Els Bos" in admin_list and "invited" not in admin_list
    assert SecurityEvent.objects.filter(kind=Kind.INVITATION_ACCEPTED, actor=els.user).count() == 1
    # The link works once.
    assert client.post(path).status_code == 404


def test_the_link_asks_for_a_login_first_and_brings_the_person_back(
    org_admin, els, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    add_contact(
        portal_client(org_admin), bakkerij, django_capture_on_commit_callbacks, last_name="Bos", email=els.email
    )
    path = invitation_path(mailoutbox[0])
    client = Client(HTTP_HOST=SUPPLIER.host)

    login_page = client.get(path)
    assert login_page.status_code == 302 and login_page["Location"].startswith("/portal/login/?next=")
    response = client.post(
        "/portal/login/", {"username": els.email, "password": PORTAL_PASSWORD, "next": path}, follow=True
    )

    assert response.redirect_chain[-1] == (path, 302)
    assert "Accept" in page(response)


def test_someone_else_with_the_link_gets_nothing(
    org_admin, els, stranger, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    add_contact(
        portal_client(org_admin), bakkerij, django_capture_on_commit_callbacks, last_name="Bos", email=els.email
    )
    path = invitation_path(mailoutbox[0])
    client = portal_client(stranger)

    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    assert not ContactLink.objects.filter(relation=bakkerij, contact__in=[els, stranger]).exists()


def test_a_tampered_or_expired_link_is_refused(
    org_admin, els, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    add_contact(
        portal_client(org_admin), bakkerij, django_capture_on_commit_callbacks, last_name="Bos", email=els.email
    )
    path = invitation_path(mailoutbox[0])
    client = portal_client(els)

    assert client.post(path[:-3] + "xx/").status_code == 404
    ContactInvitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert client.post(path).status_code == 404
    assert not ContactLink.objects.filter(contact=els, relation=bakkerij).exists()
    admin_list = main_part(page(portal_client(org_admin).get(org_url(bakkerij, "contacts/"))))
    assert "invitation expired" in admin_list


def test_adding_the_same_address_again_mails_the_person_once(
    org_admin, els, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    client = portal_client(org_admin)
    for _ in range(3):
        add_contact(client, bakkerij, django_capture_on_commit_callbacks, last_name="Bos", email=els.email)

    assert len(mailoutbox) == 1
    assert ContactInvitation.objects.filter(contact=els, relation=bakkerij).count() == 1


def test_adding_a_member_of_the_organisation_again_invites_nobody(
    org_admin, accountant, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    response = add_contact(
        portal_client(org_admin), bakkerij, django_capture_on_commit_callbacks, last_name="X", email=accountant.email
    )

    assert added(accountant.email) in page(response)
    assert mailoutbox == []
    assert not ContactInvitation.objects.exists()


def test_the_link_comes_from_the_contractants_own_domain_not_the_request(
    supplier, org_admin, els, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    Domain.objects.create(domain="andere-naam.localhost", tenant=supplier, is_primary=False)
    client = Client(HTTP_HOST="andere-naam.localhost")
    assert client.post("/portal/login/", {"username": org_admin.email, "password": PORTAL_PASSWORD}).status_code == 302

    add_contact(client, bakkerij, django_capture_on_commit_callbacks, last_name="Bos", email=els.email)

    assert "andere-naam" not in mailoutbox[0].body
    invitation_path(mailoutbox[0])


def test_a_name_with_a_line_break_is_a_form_error(org_admin, bakkerij):
    response = portal_client(org_admin).post(
        org_url(bakkerij, "contacts/new/"), {"last_name": "Deeg\r\nBcc: x@evil.test", "email": "d@bakkerij.test"}
    )

    assert response.status_code == 400
    assert "control characters are not allowed" in page(response)
    assert not Contact.objects.filter(username="d@bakkerij.test").exists()


def test_the_invited_person_finds_the_invitation_in_the_portal_too(
    org_admin, els, bakkerij, django_capture_on_commit_callbacks
):
    add_contact(
        portal_client(org_admin), bakkerij, django_capture_on_commit_callbacks, last_name="Bos", email=els.email
    )
    client = portal_client(els)

    html = page(client.get("/portal/requests/"))
    assert "Bakkerij Jansen" in html and "invited by Bert Jansen" in html
    [path] = re.findall(r'href="(/portal/invitations/[^"]+/)"', html)
    assert client.post(path).status_code == 302

    assert ContactLink.objects.get(contact=els, relation=bakkerij).status == "approved"
    assert "invited by" not in page(client.get("/portal/requests/"))
