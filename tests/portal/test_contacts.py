"""Contacts of an organisation in the portal: who sees whom, adding, details and notification preference."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from contacts.models import Contact, ContactLink
from contacts.services.contacts import create_contact
from contacts.services.links import link_contact
from portal.services import set_notification_preference, update_organisation_contact
from tests.portal.conftest import OWN, form_errors, org_url, page, portal_client


def listed_names(html: str) -> list[str]:
    return re.findall(r'<li class="card"><a href="[^"]+"><strong>([^<]+)</strong>', html)


def test_admin_sees_every_contact_of_the_organisation(org_admin, accountant, bakkerij):
    html = page(portal_client(org_admin).get(org_url(bakkerij, "contacts/")))

    assert listed_names(html) == ["Bert Jansen", "Anneke Visser"]
    assert "Add contact" in html


def test_non_admin_sees_only_themselves(org_admin, accountant, bakkerij):
    html = page(portal_client(accountant).get(org_url(bakkerij, "contacts/")))

    assert listed_names(html) == ["Anneke Visser"]
    assert "Add contact" not in html


def test_non_admin_opening_another_contacts_code_gets_404(org_admin, accountant, bakkerij):
    client = portal_client(accountant)

    assert client.get(org_url(bakkerij, f"contacts/{org_admin.code}/")).status_code == 404
    assert client.post(org_url(bakkerij, f"contacts/{org_admin.code}/"), {"section": "notify"}).status_code == 404
    assert client.get(org_url(bakkerij, f"contacts/{accountant.code}/")).status_code == 200


def test_admin_cannot_open_a_contact_of_another_organisation(org_admin, bakkerij, person_p):
    assert portal_client(org_admin).get(org_url(bakkerij, f"contacts/{person_p.code}/")).status_code == 404


def test_non_admin_cannot_add_contacts(accountant, bakkerij):
    client = portal_client(accountant)
    data = {"last_name": "Nieuw", "email": "nieuw@bakkerij-jansen.test"}

    assert client.get(org_url(bakkerij, "contacts/new/")).status_code == 404
    assert client.post(org_url(bakkerij, "contacts/new/"), data).status_code == 404
    assert not Contact.objects.filter(username="nieuw@bakkerij-jansen.test").exists()


def added(email: str) -> str:
    return (
        f"{email} is added. If this address is already known to us, its owner first gets an e-mail to accept, "
        "and is listed as invited until then."
    )


def test_admin_adds_a_contact_to_the_organisation(org_admin, bakkerij):
    client = portal_client(org_admin)

    response = client.post(
        org_url(bakkerij, "contacts/new/"),
        {"first_name": "Dirk", "last_name": "Deeg", "email": " Dirk@Bakkerij-Jansen.test", "phone": "030 123 4567"},
        follow=True,
    )

    dirk = Contact.objects.get(username="dirk@bakkerij-jansen.test")
    assert response.redirect_chain == [(org_url(bakkerij, "contacts/"), 302)]
    assert added("Dirk@Bakkerij-Jansen.test") in page(response)
    assert str(dirk.phone) == "+31301234567"
    link = dirk.links.get()
    assert (link.relation, link.status, link.is_admin) == (bakkerij, ContactLink.PortalStatus.APPROVED, False)
    assert "Dirk Deeg" in listed_names(page(client.get(org_url(bakkerij, "contacts/"))))


def test_adding_a_contact_without_email_is_refused_with_the_field_marked(org_admin, bakkerij):
    response = portal_client(org_admin).post(org_url(bakkerij, "contacts/new/"), {"last_name": "Zonder"})

    assert "field has-error" in page(response)
    assert not Contact.objects.filter(last_name="Zonder").exists()


def test_contact_edits_their_own_name_and_phone(accountant, bakkerij):
    response = portal_client(accountant).post(
        org_url(bakkerij, f"contacts/{accountant.code}/"),
        {"section": "details", "first_name": "Anne", "last_name": "Visser", "email": accountant.email, "phone": ""},
    )

    assert response.status_code == 302
    accountant.refresh_from_db()
    assert accountant.full_name == "Anne Visser"


def test_changing_the_email_to_one_another_contact_uses_is_refused(org_admin, accountant, bakkerij):
    response = portal_client(accountant).post(
        org_url(bakkerij, f"contacts/{accountant.code}/"),
        {"section": "details", "last_name": "Visser", "email": "BERT@bakkerij-jansen.test"},
    )

    assert response.status_code == 400
    assert "This e-mail address cannot be used. Choose another one." in page(response)
    assert "Bert Jansen" not in page(response).split("<main", 1)[1]
    accountant.refresh_from_db()
    assert accountant.username == "anneke@visser-accountants.test"


def test_notification_scope_all_is_refused_for_a_contact_with_support_access_own(accountant, bouwbedrijf):
    response = portal_client(accountant).post(
        org_url(bouwbedrijf, f"contacts/{accountant.code}/"),
        {"section": "notify", "notify_scope": "all", "notify_trigger": "every_change"},
    )

    assert response.status_code == 400
    assert form_errors(page(response)) == [
        "Anneke Visser may not see all tickets of this organisation, so cannot be notified about them."
    ]
    accountant.refresh_from_db()
    assert accountant.notify_scope == Contact.NotifyScope.OWN


def test_admin_cannot_set_scope_all_for_a_member_with_own_tickets_only(org_admin, bakkerij, supplier_user):
    dirk = create_contact(
        actor=supplier_user,
        last_name="Deeg",
        email="dirk@bakkerij-jansen.test",
        relation=bakkerij,
        link={"status": ContactLink.PortalStatus.APPROVED, "support_access": OWN},
    )

    response = portal_client(org_admin).post(
        org_url(bakkerij, f"contacts/{dirk.code}/"),
        {"section": "notify", "notify_scope": "all", "notify_trigger": "on_close"},
    )

    assert response.status_code == 400
    assert form_errors(page(response)) == [
        "Deeg may not see all tickets of this organisation, so cannot be notified about them."
    ]
    dirk.refresh_from_db()
    assert (dirk.notify_scope, dirk.notify_trigger) == ("own", "every_change")


def test_notification_trigger_on_close_is_saved(accountant, bouwbedrijf):
    client = portal_client(accountant)

    response = client.post(
        org_url(bouwbedrijf, f"contacts/{accountant.code}/"),
        {"section": "notify", "notify_scope": "own", "notify_trigger": "on_close"},
        follow=True,
    )

    assert "Saved." in page(response)
    accountant.refresh_from_db()
    assert (accountant.notify_scope, accountant.notify_trigger) == ("own", "on_close")
    assert "Only my own tickets · Only when closed" in page(client.get(org_url(bouwbedrijf, "contacts/")))


def test_admin_sets_scope_all_for_a_contact_only_this_organisation_knows(org_admin, bakkerij, supplier_user):
    dirk = create_contact(
        actor=supplier_user,
        first_name="Dirk",
        last_name="Deeg",
        email="dirk@bakkerij-jansen.test",
        relation=bakkerij,
        link={"status": ContactLink.PortalStatus.APPROVED, "support_access": "all"},
    )

    portal_client(org_admin).post(
        org_url(bakkerij, f"contacts/{dirk.code}/"),
        {"section": "notify", "notify_scope": "all", "notify_trigger": "every_change"},
    )

    dirk.refresh_from_db()
    assert dirk.notify_scope == Contact.NotifyScope.ALL
    assert dirk.history.first().history_user == org_admin.user


# --- Which contacts a member may open and edit: one rule (portal.access.org_contacts_for_portal_user)


def details(contact: Contact, **changes) -> dict:
    return {
        "section": "details",
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "email": contact.email,
        "phone": "",
        **changes,
    }


def test_admin_changes_the_details_of_a_contact_only_this_organisation_knows(org_admin, bakkerij, supplier_user):
    dirk = create_contact(
        actor=supplier_user,
        first_name="Dirk",
        last_name="Deeg",
        email="dirk@bakkerij-jansen.test",
        relation=bakkerij,
        link={"status": ContactLink.PortalStatus.APPROVED},
    )

    response = portal_client(org_admin).post(
        org_url(bakkerij, f"contacts/{dirk.code}/"), details(dirk, last_name="Brood")
    )

    assert response.status_code == 302
    dirk.refresh_from_db()
    assert dirk.full_name == "Dirk Brood"


def test_admin_cannot_change_the_details_of_a_member_with_a_portal_login(org_admin, accountant, bakkerij):
    response = portal_client(org_admin).post(
        org_url(bakkerij, f"contacts/{accountant.code}/"), details(accountant, email="bert+anneke@bakkerij-jansen.test")
    )

    assert response.status_code == 400
    assert form_errors(page(response)) == [
        "Anneke Visser manages their own details; ask them to change these themselves."
    ]
    accountant.refresh_from_db()
    assert accountant.username == "anneke@visser-accountants.test"


def test_admin_cannot_change_the_details_of_a_contact_other_organisations_know_too(
    org_admin, bakkerij, bouwbedrijf, supplier_user
):
    shared = create_contact(
        actor=supplier_user,
        first_name="Gedeeld",
        last_name="Contact",
        email="gedeeld@elders.test",
        relation=bouwbedrijf,
    )
    link_contact(contact=shared, relation=bakkerij, actor=supplier_user)
    client = portal_client(org_admin)

    assert client.get(org_url(bakkerij, f"contacts/{shared.code}/")).status_code == 200  # may open it
    response = client.post(org_url(bakkerij, f"contacts/{shared.code}/"), details(shared, last_name="Anders"))

    assert response.status_code == 400
    shared.refresh_from_db()
    assert shared.last_name == "Contact"


def test_a_member_who_only_asked_to_join_is_neither_listed_nor_opened(org_admin, stranger, bakkerij, supplier_user):
    link_contact(contact=stranger, relation=bakkerij, actor=supplier_user, status=ContactLink.PortalStatus.REQUESTED)
    client = portal_client(org_admin)

    assert "Sanne Vreemd" not in listed_names(page(client.get(org_url(bakkerij, "contacts/"))))
    assert client.get(org_url(bakkerij, f"contacts/{stranger.code}/")).status_code == 404


def test_the_services_refuse_a_member_who_is_no_admin_changing_someone_else(org_admin, accountant, bakkerij):
    membership = ContactLink.objects.select_related("relation").get(contact=accountant, relation=bakkerij)

    with pytest.raises(ValidationError):
        update_organisation_contact(
            membership=membership, contact=org_admin, data={"last_name": "Overgenomen"}, actor=accountant.user
        )
    with pytest.raises(ValidationError):
        set_notification_preference(
            membership=membership, contact=org_admin, scope="own", trigger="on_close", actor=accountant.user
        )
    org_admin.refresh_from_db()
    assert (org_admin.last_name, org_admin.notify_trigger) == ("Jansen", "every_change")
