"""Contacts of an organisation in the portal: who sees whom, adding, details and notification preference."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from contacts.models import Contact, ContactLink
from contacts.services.contacts import create_contact, update_contact
from contacts.services.links import link_contact
from portal.services import set_notification_preference, update_organisation_contact
from tests.conftest import SUPPLIER
from tests.portal.conftest import OWN, anonymous_client, form_errors, org_url, page, portal_client


def listed_names(html: str) -> list[str]:
    return re.findall(r'<li class="card"><a href="[^"]+"><strong>([^<]+)</strong>', html)


def test_admin_sees_every_contact_of_the_organisation(
    org_admin, accountant, bakkerij, supplier_user, django_assert_max_num_queries
):
    for n in range(5):
        create_contact(
            actor=supplier_user,
            last_name=f"Medewerker {n}",
            email=f"m{n}@bakkerij-jansen.test",
            relation=bakkerij,
            link={"status": ContactLink.PortalStatus.APPROVED},
        )
    client = portal_client(org_admin)

    # 12: the paginated list added its count (each statement comes with its SET search_path).
    with django_assert_max_num_queries(12):
        html = page(client.get(org_url(bakkerij, "contacts/")))

    assert listed_names(html) == ["Bert Jansen", *[f"Medewerker {n}" for n in range(5)], "Anneke Visser"]
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


def test_admin_adding_a_contact_invites_the_address_and_creates_nobody_yet(org_admin, bakkerij):
    client = portal_client(org_admin)

    response = client.post(
        org_url(bakkerij, "contacts/new/"),
        {"first_name": "Dirk", "last_name": "Deeg", "email": " Dirk@Bakkerij-Jansen.test"},
        follow=True,
    )

    assert response.redirect_chain == [(org_url(bakkerij, "contacts/"), 302)]
    assert "Dirk@Bakkerij-Jansen.test is invited" in page(response)
    assert not Contact.objects.filter(username="dirk@bakkerij-jansen.test").exists()
    html = page(client.get(org_url(bakkerij, "contacts/")))
    assert "Dirk Deeg" not in listed_names(html) and "Dirk Deeg" in html


def test_adding_a_contact_without_email_is_refused_with_the_field_marked(org_admin, bakkerij):
    response = portal_client(org_admin).post(org_url(bakkerij, "contacts/new/"), {"last_name": "Zonder"})

    assert "field has-error" in page(response)
    assert not Contact.objects.filter(last_name="Zonder").exists()


def test_contact_edits_their_own_name_and_phone(accountant, bakkerij):
    response = portal_client(accountant).post(
        org_url(bakkerij, f"contacts/{accountant.code}/"),
        {
            "section": "details",
            "first_name": "Anne",
            "last_name": "Visser",
            "email": accountant.email,
            "phone": "",
            "version": accountant.version,
        },
    )

    assert response.status_code == 302
    accountant.refresh_from_db()
    assert accountant.full_name == "Anne Visser"


def change_email(client, relation, contact, email, capture):
    with capture(execute=True):
        return client.post(
            org_url(relation, f"contacts/{contact.code}/"),
            {
                "section": "details",
                "first_name": contact.first_name,
                "last_name": contact.last_name,
                "email": email,
                "version": contact.version,
            },
            follow=True,
        )


def confirmation_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/portal/email-change/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_a_new_email_address_is_answered_the_same_whether_it_is_taken_or_free(
    org_admin, accountant, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    """No yes/no oracle: Bert's address (taken), a staff login name (taken) and a free one get
    the same answer, and each gets a link to confirm; nothing changes yet."""
    client = portal_client(accountant)
    answers = {}
    for email in ["BERT@bakkerij-jansen.test", SUPPLIER.staff_email, "anneke@nieuw.test"]:
        accountant.refresh_from_db()
        response = change_email(client, bakkerij, accountant, email, django_capture_on_commit_callbacks)
        html = re.sub(r'("csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"&]+', "TOKEN", page(response))
        answers[email] = (response.status_code, tuple(response.redirect_chain), html.replace(email, "ADDRESS"))

    assert len(set(answers.values())) == 1
    status, chain, html = answers["anneke@nieuw.test"]
    assert status == 200 and chain == ((org_url(bakkerij, f"contacts/{accountant.code}/"), 302),)
    assert "we have sent a link to ADDRESS" in html
    assert "Bert Jansen" not in html.split("<main", 1)[1]
    assert [message.to for message in mailoutbox] == [
        ["BERT@bakkerij-jansen.test"],
        [SUPPLIER.staff_email],
        ["anneke@nieuw.test"],
    ]
    accountant.refresh_from_db()
    assert accountant.username == "anneke@visser-accountants.test"


def test_the_new_address_confirms_by_the_link_without_a_login(
    accountant, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    change_email(
        portal_client(accountant), bakkerij, accountant, "Anneke@Nieuw.test", django_capture_on_commit_callbacks
    )
    [message] = mailoutbox
    assert message.subject == "Confirm your e-mail address for the customer portal"
    path = confirmation_path(message)
    client = anonymous_client()

    assert "Anneke@Nieuw.test" in page(client.get(path))
    response = client.post(path, follow=True)

    assert "The e-mail address of Anneke Visser is now Anneke@Nieuw.test." in page(response)
    accountant.refresh_from_db()
    assert (accountant.email, accountant.username, accountant.user.username) == (
        "Anneke@Nieuw.test",
        "anneke@nieuw.test",
        "anneke@nieuw.test",
    )
    assert accountant.history.first().history_user == accountant.user
    assert client.get(path).status_code == 404  # it works once


def test_a_taken_address_is_told_on_its_own_page_and_nothing_changes(
    org_admin, accountant, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    change_email(
        portal_client(accountant), bakkerij, accountant, "BERT@bakkerij-jansen.test", django_capture_on_commit_callbacks
    )

    response = anonymous_client().post(confirmation_path(mailoutbox[0]))

    assert response.status_code == 409
    assert "This e-mail address cannot be used here. Please contact our support desk." in page(response)
    accountant.refresh_from_db()
    assert accountant.username == "anneke@visser-accountants.test"


def test_a_confirmation_link_stops_working_when_the_asker_may_no_longer_edit(
    org_admin, bakkerij, supplier_user, mailoutbox, django_capture_on_commit_callbacks
):
    dirk = create_contact(
        actor=supplier_user,
        first_name="Dirk",
        last_name="Deeg",
        email="dirk@bakkerij-jansen.test",
        relation=bakkerij,
        link={"status": ContactLink.PortalStatus.APPROVED},
    )
    change_email(portal_client(org_admin), bakkerij, dirk, "dirk@thuis.test", django_capture_on_commit_callbacks)
    ContactLink.objects.filter(contact=org_admin, relation=bakkerij).update(is_admin=False)

    assert anonymous_client().get(confirmation_path(mailoutbox[0])).status_code == 404


def test_notification_scope_all_is_refused_for_a_contact_with_support_access_own(accountant, bouwbedrijf):
    response = portal_client(accountant).post(
        org_url(bouwbedrijf, f"contacts/{accountant.code}/"),
        {"section": "notify", "notify_scope": "all", "notify_trigger": "every_change"},
    )

    assert response.status_code == 400
    # The option was disabled with this reason on the page; a post that skips it gets the same.
    assert "Only with support access" in page(response)
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
    # The option was disabled with this reason on the page; a post that skips it gets the same.
    assert "Only with support access" in page(response)
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
        "version": contact.version,
        **changes,
    }


def test_a_save_from_a_stale_details_form_is_refused_and_overwrites_nothing(org_admin, bakkerij, supplier_user):
    dirk = create_contact(
        actor=supplier_user,
        first_name="Dirk",
        last_name="Deeg",
        email="dirk@bakkerij-jansen.test",
        relation=bakkerij,
        link={"status": ContactLink.PortalStatus.APPROVED},
    )
    form = details(dirk, last_name="Brood")  # loaded now
    update_contact(contact=dirk, actor=supplier_user, data={"last_name": "Bakker"})  # staff save meanwhile

    response = portal_client(org_admin).post(org_url(bakkerij, f"contacts/{dirk.code}/"), form)

    assert response.status_code == 409
    assert "Last name: now “Bakker”, yours “Brood”." in page(response)
    dirk.refresh_from_db()
    assert dirk.last_name == "Bakker"


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
