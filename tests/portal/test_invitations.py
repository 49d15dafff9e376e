"""Adding a contact in the portal never tells the admin whom an address belongs to (issue 14,
finding 3, and its review): every address takes one path, an invitation e-mailed to it, shown
the same in the admin's list whatever it belongs to; its owner accepts by the link (a login is
not needed: the link was mailed to the address), and only then is anyone linked or created."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from audit.models import SecurityEvent
from contacts.models import Contact, ContactLink
from contacts.services.attributes import attribute_define, set_attribute_values
from contacts.services.contacts import create_contact
from contacts.services.out_of_service import mark_out_of_service
from portal.models import ContactInvitation, OrganisationClaim
from tenants.models import Domain
from tests.conftest import SUPPLIER
from tests.portal.conftest import (
    PORTAL_PASSWORD,
    anonymous_client,
    form_errors,
    org_url,
    page,
    portal_client,
    portal_person,
)

Kind = SecurityEvent.Kind
SITE = f"http://{SUPPLIER.host}:{settings.SITE_PORT}"
UNUSABLE = "This e-mail address cannot be used here. Please contact our support desk."


def invited(email: str) -> str:
    return (
        f"{email} is invited: an e-mail with a link to accept is on its way. Until it is accepted, "
        "the address is listed as invited."
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


@pytest.fixture
def vera(supplier_user):
    """Vera, out of service (her successor took over)."""
    leaver = create_contact(actor=supplier_user, first_name="Vera", last_name="Vertrokken", email="vera@elders.test")
    successor = create_contact(actor=supplier_user, last_name="Opvolger", email="opvolger@elders.test")
    mark_out_of_service(contact=leaver, successor=successor, effective_date=timezone.localdate(), actor=supplier_user)
    return leaver


def add_contact(client, relation, capture, **data):
    with capture(execute=True):
        return client.post(org_url(relation, "contacts/new/"), data, follow=True)


def invitation_path(message) -> str:
    match = re.search(re.escape(SITE) + r"(/portal/invitations/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def main_part(html: str) -> str:
    return html.split('<main id="main"', 1)[1]


def invited_section(html: str, email: str) -> str:
    """The admin's list entry for one invited address, with what the admin typed made neutral."""
    [entry] = [item for item in re.findall(r'<li class="card invited">.*?</li>', html, re.S) if email in item]
    return entry.replace(email, "ADDRESS")


def accept(client, path):
    return client.post(path, {"decision": "accept"}, follow=True)


# --- One path for every address -------------------------------------------------------------------


def test_every_address_is_listed_the_same_whatever_it_belongs_to(
    org_admin, els, vera, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    """A new address, a known contact's, an out-of-service one and a staff login name: the same
    answer, the same list entry, an e-mail to each, and nobody created or linked."""
    addresses = ["nieuw@bakkerij-jansen.test", "ELS.Bos@Elders.TEST", "vera@elders.test", SUPPLIER.staff_email]
    client = portal_client(org_admin)
    contacts_before = Contact.objects.count()

    answers = [
        add_contact(client, bakkerij, django_capture_on_commit_callbacks, first_name="Nina", last_name="N", email=a)
        for a in addresses
    ]

    for address, answer in zip(addresses, answers, strict=True):
        assert answer.redirect_chain == [(org_url(bakkerij, "contacts/"), 302)]
        assert invited(address) in page(answer)
    html = main_part(page(client.get(org_url(bakkerij, "contacts/"))))
    entries = {invited_section(html, address) for address in addresses}
    assert len(entries) == 1, entries
    assert "Nina N" in entries.pop()
    assert "already known" not in html and "already known" not in page(client.get(org_url(bakkerij, "contacts/new/")))
    assert Contact.objects.count() == contacts_before
    assert not ContactLink.objects.filter(relation=bakkerij).exclude(contact=org_admin).exists()
    assert sorted(message.to[0] for message in mailoutbox) == sorted(addresses)
    assert SecurityEvent.objects.filter(kind=Kind.INVITATION_SENT).count() == 4


def test_nothing_of_a_known_person_is_shown_until_she_accepts(
    org_admin, els, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    client = portal_client(org_admin)

    response = add_contact(
        client, bakkerij, django_capture_on_commit_callbacks, first_name="Elsje", last_name="Bosch", email=els.email
    )

    html = main_part(page(client.get(org_url(bakkerij, "contacts/"))))
    for secret in ["Els Bos", "612345678", "Inkoop geheim", "Bouwbedrijf"]:
        assert secret not in page(response) and secret not in html
    assert "Elsje Bosch" in html and "invited" in html
    assert client.get(org_url(bakkerij, f"contacts/{els.code}/")).status_code == 404
    [message] = mailoutbox
    assert message.to == ["els.bos@elders.test"]
    assert message.subject == "Invitation to join Bakkerij Jansen in the customer portal"
    assert "Dear Elsje Bosch," in message.body
    assert "Bert Jansen invites you to be a contact of Bakkerij Jansen" in message.body
    invitation_path(message)
    [event] = SecurityEvent.objects.filter(kind=Kind.INVITATION_SENT)
    assert "els.bos@elders.test" in event.summary and event.actor_id == org_admin.user_id


def test_the_contact_list_reads_a_bounded_number_of_statements(
    org_admin, accountant, bakkerij, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client = portal_client(org_admin)
    for n in range(5):
        add_contact(client, bakkerij, django_capture_on_commit_callbacks, last_name=f"N{n}", email=f"n{n}@b.test")

    # 12: the paginated contact list added its count (each statement comes with its SET search_path).
    with django_assert_max_num_queries(12):
        html = page(client.get(org_url(bakkerij, "contacts/")))

    assert html.count('<li class="card invited">') == 5


# --- Accepting: the link is the proof, no login needed ----------------------------------------------


def test_a_known_person_accepts_by_the_link_and_is_then_a_contact(
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
    response = accept(client, path)

    assert response.redirect_chain == [(org_url(bakkerij), 302)]
    assert "You are now a contact of Bakkerij Jansen." in page(response)
    link = ContactLink.objects.get(contact=els, relation=bakkerij)
    assert (link.status, link.is_admin, link.support_access) == ("approved", False, "none")
    admin_list = main_part(page(portal_client(org_admin).get(org_url(bakkerij, "contacts/"))))
    assert "Els Bos" in admin_list and "invited" not in admin_list
    assert SecurityEvent.objects.filter(kind=Kind.INVITATION_ACCEPTED, actor=els.user).count() == 1
    assert ContactInvitation.objects.get().contact == els
    # The link works once.
    assert accept(client, path).status_code == 404


def test_accepting_needs_no_login(org_admin, els, bakkerij, mailoutbox, django_capture_on_commit_callbacks):
    add_contact(
        portal_client(org_admin), bakkerij, django_capture_on_commit_callbacks, last_name="Bos", email=els.email
    )
    path = invitation_path(mailoutbox[0])
    client = anonymous_client()

    offer = client.get(path)
    response = accept(client, path)

    assert offer.status_code == 200 and "Bakkerij Jansen" in page(offer)
    assert response.redirect_chain == [("/portal/login/", 302)]
    assert "You are now a contact of Bakkerij Jansen. Log in to the customer portal" in page(response)
    assert ContactLink.objects.get(contact=els, relation=bakkerij).status == "approved"
    [event] = SecurityEvent.objects.filter(kind=Kind.INVITATION_ACCEPTED)
    assert event.actor is None and "Els Bos" in event.summary


def test_a_new_address_becomes_a_contact_with_the_typed_name_when_accepted(
    org_admin, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    add_contact(
        portal_client(org_admin),
        bakkerij,
        django_capture_on_commit_callbacks,
        first_name="Dirk",
        last_name="Deeg",
        email=" Dirk@Bakkerij-Jansen.test",
    )
    assert not Contact.objects.filter(username="dirk@bakkerij-jansen.test").exists()
    [message] = mailoutbox
    assert message.to == ["Dirk@Bakkerij-Jansen.test"]

    accept(anonymous_client(), invitation_path(message))

    dirk = Contact.objects.get(username="dirk@bakkerij-jansen.test")
    assert (dirk.full_name, dirk.email, dirk.user) == ("Dirk Deeg", "Dirk@Bakkerij-Jansen.test", None)
    assert dirk.links.get().relation == bakkerij and dirk.links.get().status == "approved"
    # Now a member with an approved link, he can get a password by the access-link form.
    assert "Dirk Deeg" in main_part(page(portal_client(org_admin).get(org_url(bakkerij, "contacts/"))))


def test_a_staff_login_name_is_told_to_contact_support_and_the_admin_sees_it_still_invited(
    org_admin, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    add_contact(
        portal_client(org_admin),
        bakkerij,
        django_capture_on_commit_callbacks,
        last_name="Staf",
        email=SUPPLIER.staff_email,
    )
    path = invitation_path(mailoutbox[0])
    client = anonymous_client()

    response = accept(client, path)

    assert response.status_code == 409
    assert UNUSABLE in page(response)
    assert not Contact.objects.filter(username=SUPPLIER.staff_email).exists()
    assert client.get(path).status_code == 200  # still open: the row stays "invited" until it expires
    html = main_part(page(portal_client(org_admin).get(org_url(bakkerij, "contacts/"))))
    assert "badge-warn" in invited_section(html, SUPPLIER.staff_email)


def test_an_out_of_service_address_is_told_to_contact_support(
    org_admin, vera, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    add_contact(
        portal_client(org_admin), bakkerij, django_capture_on_commit_callbacks, last_name="Onbekend", email=vera.email
    )

    response = accept(anonymous_client(), invitation_path(mailoutbox[0]))

    assert response.status_code == 409 and UNUSABLE in page(response)
    assert not ContactLink.objects.filter(contact=vera, relation=bakkerij).exists()


def test_declining_links_nobody_and_the_list_says_declined(
    org_admin, els, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    client = portal_client(org_admin)
    add_contact(client, bakkerij, django_capture_on_commit_callbacks, last_name="Bos", email=els.email)
    path = invitation_path(mailoutbox[0])

    response = anonymous_client().post(path, {"decision": "decline"}, follow=True)

    assert "You declined the invitation of Bakkerij Jansen. Nothing changes." in page(response)
    assert not ContactLink.objects.filter(contact=els, relation=bakkerij).exists()
    assert anonymous_client().get(path).status_code == 404
    assert "invitation declined" in main_part(page(client.get(org_url(bakkerij, "contacts/"))))
    # Adding the address again while that invitation runs mails nobody.
    mailoutbox.clear()
    add_contact(client, bakkerij, django_capture_on_commit_callbacks, last_name="Bos", email=els.email)
    assert mailoutbox == []


def test_the_invitation_page_asks_for_the_csrf_token(
    org_admin, els, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    add_contact(
        portal_client(org_admin), bakkerij, django_capture_on_commit_callbacks, last_name="Bos", email=els.email
    )
    client = Client(HTTP_HOST=SUPPLIER.host, enforce_csrf_checks=True)

    response = client.post(invitation_path(mailoutbox[0]), {"decision": "accept"})

    assert response.status_code == 403
    assert not ContactLink.objects.filter(contact=els, relation=bakkerij).exists()


def test_someone_else_logged_in_with_the_link_links_the_address_owner_not_themselves(
    org_admin, els, stranger, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    add_contact(
        portal_client(org_admin), bakkerij, django_capture_on_commit_callbacks, last_name="Bos", email=els.email
    )

    accept(portal_client(stranger), invitation_path(mailoutbox[0]))

    assert ContactLink.objects.get(contact=els, relation=bakkerij).status == "approved"
    assert not ContactLink.objects.filter(contact=stranger, relation=bakkerij).exists()


def test_a_tampered_or_expired_link_is_refused(
    org_admin, els, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    add_contact(
        portal_client(org_admin), bakkerij, django_capture_on_commit_callbacks, last_name="Bos", email=els.email
    )
    path = invitation_path(mailoutbox[0])
    client = anonymous_client()

    assert accept(client, path[:-3] + "xx/").status_code == 404
    ContactInvitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert accept(client, path).status_code == 404
    assert not ContactLink.objects.filter(contact=els, relation=bakkerij).exists()
    admin_list = main_part(page(portal_client(org_admin).get(org_url(bakkerij, "contacts/"))))
    assert "invitation expired" in admin_list


def test_accepting_decides_a_waiting_request_and_closes_its_claim(
    org_admin, stranger, bakkerij, supplier_user, mailoutbox, django_capture_on_commit_callbacks
):
    """Sanne asked to join before Bert invited her; a claim for staff was open on that request."""
    from contacts.services.links import link_contact

    link = link_contact(contact=stranger, relation=bakkerij, actor=supplier_user, status="requested")
    claim = OrganisationClaim.objects.create(link=link)
    add_contact(
        portal_client(org_admin), bakkerij, django_capture_on_commit_callbacks, last_name="V", email=stranger.email
    )

    accept(portal_client(stranger), invitation_path(mailoutbox[-1]))

    link.refresh_from_db()
    claim.refresh_from_db()
    assert link.status == "approved"
    assert (claim.status, claim.decided_by) == (OrganisationClaim.Status.APPROVED, None)


# --- Adding --------------------------------------------------------------------------------------


def test_adding_the_same_address_again_mails_the_person_once(
    org_admin, els, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    client = portal_client(org_admin)
    for email in [els.email, els.email.upper(), f" {els.email}"]:
        add_contact(client, bakkerij, django_capture_on_commit_callbacks, last_name="Bos", email=email)

    assert len(mailoutbox) == 1
    assert ContactInvitation.objects.filter(relation=bakkerij).count() == 1


def test_an_expired_invitation_is_renewed_with_a_new_link(
    org_admin, els, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    client = portal_client(org_admin)
    add_contact(client, bakkerij, django_capture_on_commit_callbacks, last_name="Bos", email=els.email)
    old = invitation_path(mailoutbox[0])
    ContactInvitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    add_contact(client, bakkerij, django_capture_on_commit_callbacks, first_name="E.", last_name="Bos", email=els.email)

    new = invitation_path(mailoutbox[1])
    assert new != old and anonymous_client().get(old).status_code == 404
    assert anonymous_client().get(new).status_code == 200
    assert ContactInvitation.objects.get().full_name == "E. Bos"


def test_adding_a_listed_contact_again_is_refused_with_what_the_list_shows(
    org_admin, accountant, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    response = add_contact(
        portal_client(org_admin), bakkerij, django_capture_on_commit_callbacks, last_name="X", email=accountant.email
    )

    assert form_errors(page(response)) == [f"{accountant.email} is already a contact of this organisation."]
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
    assert not ContactInvitation.objects.exists()


def test_the_invitation_refuses_control_characters_in_its_names_itself(bakkerij):
    invitation = ContactInvitation(
        relation=bakkerij,
        email="d@bakkerij.test",
        first_name="Dirk\u2028",
        last_name="Deeg\r\nBcc: x@evil.test",
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )

    with pytest.raises(ValidationError) as refused:
        invitation.full_clean()

    assert set(refused.value.message_dict) == {"first_name", "last_name"}


def test_the_invited_person_finds_the_invitation_in_the_portal_too(
    org_admin, els, bakkerij, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    add_contact(
        portal_client(org_admin), bakkerij, django_capture_on_commit_callbacks, last_name="Bos", email=els.email
    )
    client = portal_client(els)

    with django_assert_max_num_queries(10):
        html = page(client.get("/portal/requests/"))
    assert "Bakkerij Jansen" in html and "invited by Bert Jansen" in html
    [path] = re.findall(r'href="(/portal/invitations/[^"]+/)"', html)
    assert accept(client, path).redirect_chain == [(org_url(bakkerij), 302)]

    assert ContactLink.objects.get(contact=els, relation=bakkerij).status == "approved"
    assert "invited by" not in page(client.get("/portal/requests/"))
