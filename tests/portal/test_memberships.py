"""Memberships (seed 001): join an organisation by customer number + KvK; its admins approve or reject."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from contacts.models import ContactLink
from portal.selectors import pending_organisation_claims
from portal.services import decide_membership
from portal.throttles import MEMBERSHIP_ATTEMPTS_PER_HOUR
from tests.factories import RelationFactory, TaskFactory
from tests.portal.conftest import OWN, form_errors, org_url, page, portal_client, portal_person, switcher

NO_MATCH = "We could not find an organisation with this combination."
THROTTLED = "Too many attempts. Try again later."
SENT = "Your request to join {name} is sent. You get an e-mail once it is decided."


def ask_to_join(client, customer_number: str, coc_number: str, **kwargs):
    return client.post(
        "/portal/organisations/add/", {"customer_number": customer_number, "coc_number": coc_number}, **kwargs
    )


@pytest.fixture
def second_admin(supplier_user, bakkerij):
    """Bakkerij Jansen has two administrators."""
    return portal_person(
        supplier_user,
        first_name="Ria",
        last_name="Jansen",
        email="ria@bakkerij-jansen.test",
        memberships=[(bakkerij, {"is_admin": True})],
    )


@pytest.fixture
def requested(stranger, org_admin, second_admin, bakkerij, django_capture_on_commit_callbacks):
    """Sanne asked to join Bakkerij Jansen; the admins' e-mails went out."""
    with django_capture_on_commit_callbacks(execute=True):
        response = ask_to_join(portal_client(stranger), "k1001", " 12345678 ")
    assert response.status_code == 302
    return ContactLink.objects.get(contact=stranger, relation=bakkerij)


def decide(admin, relation, link, decision: str, support_access: str, capture):
    with capture(execute=True):
        return portal_client(admin).post(
            org_url(relation, f"members/{link.pk}/decide/"),
            {"decision": decision, "support_access": support_access},
            follow=True,
        )


def test_stranger_without_memberships_is_sent_to_add_an_organisation(stranger):
    response = portal_client(stranger).get("/portal/", follow=True)

    assert response.redirect_chain == [("/portal/organisations/add/", 302)]
    assert switcher(page(response)) == []


def test_wrong_number_or_wrong_kvk_give_the_same_neutral_message_naming_no_field(stranger, bakkerij):
    client = portal_client(stranger)

    wrong_number = ask_to_join(client, "K9999", bakkerij.coc_number)
    wrong_kvk = ask_to_join(client, bakkerij.customer_number, "87654321")

    assert wrong_number.status_code == wrong_kvk.status_code == 400
    assert form_errors(page(wrong_number)) == form_errors(page(wrong_kvk)) == [NO_MATCH]
    for response in [wrong_number, wrong_kvk]:
        assert 'class="field-error"' not in page(response)
        assert "field has-error" not in page(response)
    assert not ContactLink.objects.filter(contact=stranger).exists()


def test_a_relation_without_admin_never_makes_the_requester_its_admin(stranger, mailoutbox):
    garage = RelationFactory(name="Garage Snel", customer_number="K2001", coc_number="45678901")

    response = ask_to_join(portal_client(stranger), "K2001", "45678901", follow=True)

    assert response.redirect_chain == [("/portal/requests/", 302)]
    html = page(response)
    assert SENT.format(name="Garage Snel") in html
    assert switcher(html) == []
    link = ContactLink.objects.get(contact=stranger, relation=garage)
    assert (link.status, link.is_admin, link.support_access) == ("requested", False, "none")
    assert portal_client(stranger).get(org_url(garage)).status_code == 404
    assert mailoutbox == []


def test_a_request_emails_every_admin_and_is_listed_for_requester_and_admin(
    requested, stranger, org_admin, second_admin, accountant, bakkerij, mailoutbox
):
    assert requested.status == ContactLink.PortalStatus.REQUESTED
    assert sorted(message.to[0] for message in mailoutbox) == [org_admin.email, second_admin.email]
    assert all(message.subject == "Sanne Vreemd asks to join Bakkerij Jansen" for message in mailoutbox)
    assert "sanne@elders.test" in mailoutbox[0].body
    assert (
        "Sanne Vreemd (sanne@elders.test) asks to become a member of Bakkerij Jansen."
        in mailoutbox[0].alternatives[0][0]
    )

    requests_page = page(portal_client(stranger).get("/portal/requests/"))
    assert "Bakkerij Jansen" in requests_page and "waiting for approval" in requests_page
    assert switcher(requests_page) == []

    members_page = page(portal_client(org_admin).get(org_url(bakkerij, "members/")))
    assert "Sanne Vreemd" in members_page and "requests membership" in members_page
    assert f"/members/{requested.pk}/decide/" in members_page


def test_a_requester_cannot_open_the_organisation_before_approval(requested, stranger, bakkerij):
    assert portal_client(stranger).get(org_url(bakkerij)).status_code == 404


def test_asking_again_while_waiting_says_so(requested, stranger):
    response = ask_to_join(portal_client(stranger), "K1001", "12345678")

    assert form_errors(page(response)) == ["Your request for Bakkerij Jansen is still waiting."]


def test_non_admin_member_cannot_decide(requested, accountant, bakkerij):
    client = portal_client(accountant)

    assert client.get(org_url(bakkerij, "members/")).status_code == 404
    response = client.post(
        org_url(bakkerij, f"members/{requested.pk}/decide/"), {"decision": "approve", "support_access": "all"}
    )

    assert response.status_code == 404
    requested.refresh_from_db()
    assert requested.status == ContactLink.PortalStatus.REQUESTED


def test_admin_approves_with_own_tickets_and_the_requester_sees_only_their_tickets(
    requested, stranger, org_admin, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    TaskFactory(relations=[bakkerij], reporter=stranger, subject="Kassa start niet")
    TaskFactory(relations=[bakkerij], reporter=org_admin, subject="Loonstrook van de bakker")
    mailoutbox.clear()

    response = decide(org_admin, bakkerij, requested, "approve", OWN, django_capture_on_commit_callbacks)

    assert "Decision saved; Sanne Vreemd gets an e-mail." in page(response)
    assert [(message.to, message.subject) for message in mailoutbox] == [
        (["sanne@elders.test"], "You are now a member of Bakkerij Jansen")
    ]
    assert "Support access: Own tasks only." in mailoutbox[0].body
    requested.refresh_from_db()
    assert (requested.status, requested.support_access, requested.decided_by) == ("approved", "own", org_admin)

    client = portal_client(stranger)
    assert switcher(page(client.get("/portal/requests/"))) == ["Bakkerij Jansen"]
    tasks_page = page(client.get(org_url(bakkerij, "tasks/")))
    assert "Kassa start niet" in tasks_page
    assert "Loonstrook van de bakker" not in tasks_page


def test_admin_rejects_and_the_requester_gets_the_rejection_email(
    requested, stranger, org_admin, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()

    decide(org_admin, bakkerij, requested, "reject", "none", django_capture_on_commit_callbacks)

    assert [(message.to, message.subject) for message in mailoutbox] == [
        (["sanne@elders.test"], "Your request for Bakkerij Jansen was not approved")
    ]
    assert "was not approved by its administrators" in mailoutbox[0].body
    client = portal_client(stranger)
    assert switcher(page(client.get("/portal/requests/"))) == []
    assert "You have no requests waiting." in page(client.get("/portal/requests/"))
    assert client.get(org_url(bakkerij)).status_code == 404


def test_a_decided_request_cannot_be_decided_again(
    requested, org_admin, second_admin, bakkerij, mailoutbox, django_capture_on_commit_callbacks
):
    decide(org_admin, bakkerij, requested, "reject", "none", django_capture_on_commit_callbacks)
    mailoutbox.clear()

    response = decide(second_admin, bakkerij, requested, "approve", "all", django_capture_on_commit_callbacks)

    assert "This request has already been decided." in page(response)
    requested.refresh_from_db()
    assert requested.status == ContactLink.PortalStatus.REJECTED
    assert mailoutbox == []


def test_two_admins_deciding_from_the_same_page_decide_once_with_one_mail(
    requested, org_admin, second_admin, mailoutbox, django_capture_on_commit_callbacks
):
    """Both loaded the request while it waited: the second decision reads the status under the
    link's lock, sees it decided and is refused (the stale copy it holds says "requested")."""
    first = ContactLink.objects.select_related("contact", "relation").get(pk=requested.pk)
    second = ContactLink.objects.select_related("contact", "relation").get(pk=requested.pk)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        decide_membership(link=first, approve=False, support_access="none", decided_by=org_admin, actor=org_admin.user)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError, match="already been decided"):
        decide_membership(link=second, approve=True, support_access="all", decided_by=second_admin, actor=None)

    requested.refresh_from_db()
    assert (requested.status, requested.support_access, requested.decided_by) == ("rejected", "none", org_admin)
    assert len(mailoutbox) == 1


def test_after_five_attempts_in_an_hour_the_sixth_is_refused_even_with_correct_numbers(stranger, org_admin, bakkerij):
    client = portal_client(stranger)
    for _ in range(MEMBERSHIP_ATTEMPTS_PER_HOUR):
        assert form_errors(page(ask_to_join(client, "K9999", "12345678"))) == [NO_MATCH]

    response = ask_to_join(client, bakkerij.customer_number, bakkerij.coc_number)

    assert response.status_code == 400
    assert form_errors(page(response)) == [THROTTLED]
    assert not ContactLink.objects.filter(contact=stranger).exists()


def test_the_attempt_limit_is_per_user(stranger, accountant, org_admin, bakkerij):
    client = portal_client(stranger)
    for _ in range(MEMBERSHIP_ATTEMPTS_PER_HOUR + 1):
        ask_to_join(client, "K9999", "12345678")

    response = ask_to_join(portal_client(accountant), "K9999", "12345678")

    assert form_errors(page(response)) == [NO_MATCH]


def test_a_rejected_requester_asking_again_after_the_admins_left_waits_for_staff(
    requested, stranger, org_admin, second_admin, bakkerij, django_capture_on_commit_callbacks
):
    decide(org_admin, bakkerij, requested, "reject", "none", django_capture_on_commit_callbacks)
    ContactLink.objects.filter(relation=bakkerij, is_admin=True).update(is_admin=False)

    ask_to_join(portal_client(stranger), "K1001", "12345678")

    requested.refresh_from_db()
    assert (requested.status, requested.is_admin, requested.support_access) == ("requested", False, "none")
    assert [claim.link for claim in pending_organisation_claims()] == [requested]


def test_request_email_names_the_organisation_as_written(
    stranger, supplier_user, mailoutbox, django_capture_on_commit_callbacks
):
    relation = RelationFactory(name="Jansen & Zn", customer_number="K3001", coc_number="56789012")
    portal_person(
        supplier_user,
        first_name="Jan",
        last_name="Jansen",
        email="jan@jansen-zn.test",
        memberships=[(relation, {"is_admin": True})],
    )

    with django_capture_on_commit_callbacks(execute=True):
        ask_to_join(portal_client(stranger), "K3001", "56789012")

    assert mailoutbox[0].subject == "Sanne Vreemd asks to join Jansen & Zn"


def test_admin_changes_a_members_support_access_and_admin_role(org_admin, accountant, bakkerij):
    link = ContactLink.objects.get(contact=accountant, relation=bakkerij)

    response = portal_client(org_admin).post(
        org_url(bakkerij, f"members/{link.pk}/access/"), {"support_access": "own", "is_admin": "on"}, follow=True
    )

    assert "Access of Anneke Visser saved." in page(response)
    link.refresh_from_db()
    assert (link.support_access, link.is_admin) == ("own", True)
    assert portal_client(accountant).get(org_url(bakkerij, "members/")).status_code == 200


def test_the_last_admin_cannot_give_up_the_admin_role(org_admin, bakkerij):
    link = ContactLink.objects.get(contact=org_admin, relation=bakkerij)

    response = portal_client(org_admin).post(
        org_url(bakkerij, f"members/{link.pk}/access/"), {"support_access": "all"}, follow=True
    )

    assert "An organisation keeps at least one administrator." in page(response)
    link.refresh_from_db()
    assert link.is_admin
