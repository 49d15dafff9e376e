"""Claiming an organisation is never a guess away (issue 14, finding 2): the add-organisation form
is throttled per person, per client address and per organisation, and an organisation without a
portal administrator is claimed only when the supplier's staff approve."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import SecurityEvent
from contacts.models import ContactLink
from portal.models import OrganisationClaim
from portal.selectors import pending_organisation_claims
from portal.services import decide_organisation_claim, request_membership
from portal.throttles import MEMBERSHIP_LIMITS, MembershipThrottled, count_matched_attempt
from tests.conftest import SUPPLIER, client_for
from tests.factories import RelationFactory, TaskFactory
from tests.portal.conftest import form_errors, org_url, page, portal_client, portal_person, switcher

Kind = SecurityEvent.Kind
NO_MATCH = "We could not find an organisation with this combination."
THROTTLED = "Too many attempts. Try again later."
SENT = "Your request to join Garage Snel is sent. You get an e-mail once it is decided."


def ask_to_join(client, customer_number: str, coc_number: str, **kwargs):
    return client.post(
        "/portal/organisations/add/", {"customer_number": customer_number, "coc_number": coc_number}, **kwargs
    )


def people(actor, count: int, prefix: str = "gok"):
    """Contacts with a login and nothing else, as any portal admin could make them."""
    return [
        portal_person(actor, first_name="Gok", last_name=f"Ker {n}", email=f"{prefix}{n}@elders.test")
        for n in range(count)
    ]


@pytest.fixture
def garage(in_supplier):
    """An organisation without any portal administrator."""
    return RelationFactory(name="Garage Snel", customer_number="K2001", coc_number="45678901")


@pytest.fixture
def claim(stranger, garage, django_capture_on_commit_callbacks) -> OrganisationClaim:
    """Sanne asked to join Garage Snel, which has no administrator: staff decide."""
    with django_capture_on_commit_callbacks(execute=True):
        ask_to_join(portal_client(stranger), "K2001", "45678901")
    return OrganisationClaim.objects.get(link__contact=stranger, link__relation=garage)


# --- Throttling: per person, per address and per organisation ------------------------------------


def test_guessing_from_one_address_with_many_contacts_is_throttled(supplier_user, stranger, garage):
    """Each contact stays under the per-person limit; together, from one address, they pass it."""
    per_person = MEMBERSHIP_LIMITS["person"] - 1
    guessers = people(supplier_user, MEMBERSHIP_LIMITS["address"] // per_person + 1)
    answers = []
    for guesser in guessers:
        client = portal_client(guesser)
        for _attempt in range(per_person):
            # Fresh numbers every time: only the address is common to these attempts.
            n = len(answers)
            answers.append(form_errors(page(ask_to_join(client, f"K{9000 + n}", f"{20000000 + n}"))))

    assert answers[: MEMBERSHIP_LIMITS["address"]] == [[NO_MATCH]] * MEMBERSHIP_LIMITS["address"]
    assert answers[MEMBERSHIP_LIMITS["address"] :] == [[THROTTLED]] * (len(answers) - MEMBERSHIP_LIMITS["address"])
    # Even the right numbers, by someone who never guessed, are refused from this address now.
    response = ask_to_join(portal_client(stranger), "K2001", "45678901")
    assert response.status_code == 400
    assert form_errors(page(response)) == [THROTTLED]
    assert not ContactLink.objects.filter(relation=garage).exists()


def test_guessing_one_organisation_from_many_addresses_is_throttled(supplier_user, stranger, garage):
    guessers = people(supplier_user, MEMBERSHIP_LIMITS["organisation"])
    for n, guesser in enumerate(guessers):
        address = f"192.0.2.{n + 1}"
        response = ask_to_join(portal_client(guesser), "k2001 ", f"{10000000 + n}", REMOTE_ADDR=address)
        assert form_errors(page(response)) == [NO_MATCH]

    response = ask_to_join(portal_client(stranger), "K2001", "45678901", REMOTE_ADDR="198.51.100.7")

    assert form_errors(page(response)) == [THROTTLED]
    assert not ContactLink.objects.filter(relation=garage).exists()
    # Another organisation, from a fresh address, is still open to the same person.
    RelationFactory(name="Kapper Kort", customer_number="K2002", coc_number="56789012")
    other = ask_to_join(portal_client(stranger), "K2002", "56789012", REMOTE_ADDR="198.51.100.8")
    assert other.status_code == 302


def test_walking_the_customer_numbers_against_one_kvk_number_is_throttled(supplier_user, stranger, garage):
    """KvK numbers are public: K1001…K9999 against Garage Snel's, each from another person and
    address, is counted against that KvK number."""
    guessers = people(supplier_user, MEMBERSHIP_LIMITS["coc"])
    for n, guesser in enumerate(guessers):
        response = ask_to_join(portal_client(guesser), f"K{3000 + n}", " 45678901", REMOTE_ADDR=f"192.0.2.{n + 1}")
        assert form_errors(page(response)) == [NO_MATCH]

    response = ask_to_join(portal_client(stranger), "K2001", "45678901", REMOTE_ADDR="198.51.100.7")

    assert form_errors(page(response)) == [THROTTLED]
    assert not ContactLink.objects.filter(relation=garage).exists()
    [event] = SecurityEvent.objects.filter(kind=Kind.MEMBERSHIP_THROTTLED)
    assert "45678901" in event.summary


def test_attempts_that_matched_one_organisation_are_counted_for_it(supplier_user, stranger, garage):
    """Whatever keys the typed numbers gave, the matches count for the organisation itself."""
    for n, guesser in enumerate(people(supplier_user, MEMBERSHIP_LIMITS["relation"])):
        count_matched_attempt(contact=guesser, actor=None, client_address=f"192.0.2.{n + 1}", relation=garage)

    response = ask_to_join(portal_client(stranger), "K2001", "45678901", REMOTE_ADDR="198.51.100.7")

    assert form_errors(page(response)) == [THROTTLED]
    assert not ContactLink.objects.filter(relation=garage).exists()
    [event] = SecurityEvent.objects.filter(kind=Kind.MEMBERSHIP_THROTTLED)
    assert "Garage Snel" in event.summary


def test_an_ipv6_client_is_one_address_for_its_whole_64(supplier_user, stranger):
    per_person = MEMBERSHIP_LIMITS["person"] - 1
    guessers = people(supplier_user, MEMBERSHIP_LIMITS["address"] // per_person + 1)
    answers = []
    for g, guesser in enumerate(guessers):
        client = portal_client(guesser)
        for _attempt in range(per_person):
            n = len(answers)
            address = f"2001:db8:1:2:{g:x}::{n + 1:x}"  # another address of the same /64 every time
            answers.append(
                form_errors(page(ask_to_join(client, f"K{9000 + n}", f"{20000000 + n}", REMOTE_ADDR=address)))
            )

    assert answers[MEMBERSHIP_LIMITS["address"] :] == [[THROTTLED]] * (len(answers) - MEMBERSHIP_LIMITS["address"])
    [event] = SecurityEvent.objects.filter(kind=Kind.MEMBERSHIP_THROTTLED)
    assert event.ip_address.startswith("2001:db8:1:2:") and event.ip_address != "2001:db8:1:2::"


def test_the_service_counts_the_attempt_whoever_calls_it(stranger, garage):
    """Not only the page: a caller of request_membership cannot skip the throttle."""
    for n in range(MEMBERSHIP_LIMITS["person"]):
        with pytest.raises(ValidationError, match="could not find"):
            request_membership(
                contact=stranger, customer_number=f"K{5000 + n}", coc_number="1", actor=None, client_address=None
            )

    with pytest.raises(MembershipThrottled):
        request_membership(
            contact=stranger, customer_number="K2001", coc_number="45678901", actor=None, client_address=None
        )
    assert not ContactLink.objects.filter(relation=garage).exists()


def test_throttling_is_written_to_the_security_log_once_per_limit(supplier_user, stranger):
    client = portal_client(stranger)
    for _ in range(MEMBERSHIP_LIMITS["person"] + 3):
        ask_to_join(client, "K9999", "12345678", REMOTE_ADDR="203.0.113.9")

    [event] = SecurityEvent.objects.filter(kind=Kind.MEMBERSHIP_THROTTLED)
    assert (event.actor_id, event.ip_address) == (stranger.user_id, "203.0.113.9")
    # Written in the site language (Dutch), like the rest of the log.
    assert "Sanne Vreemd" in event.summary and "te veel pogingen door deze persoon" in event.summary
    assert event.object_url == f"/contacts/{stranger.pk}/"


# --- An organisation without admin: a claim for staff --------------------------------------------


def test_a_claim_for_an_organisation_without_admin_grants_nothing_and_waits_for_staff(
    claim, stranger, garage, mailoutbox
):
    link = claim.link
    assert (link.status, link.is_admin, link.support_access) == ("requested", False, "none")
    assert claim.status == OrganisationClaim.Status.PENDING
    assert list(pending_organisation_claims()) == [claim]
    client = portal_client(stranger)
    assert client.get(org_url(garage)).status_code == 404
    assert switcher(page(client.get("/portal/requests/"))) == []
    assert "Garage Snel" in page(client.get("/portal/requests/"))
    assert mailoutbox == []
    [event] = SecurityEvent.objects.filter(kind=Kind.CLAIM_REQUESTED)
    assert "Sanne Vreemd" in event.summary and "Garage Snel" in event.summary
    assert event.actor_id == stranger.user_id


def test_the_requester_is_told_the_same_as_for_an_organisation_with_admins(stranger, garage):
    response = ask_to_join(portal_client(stranger), "K2001", "45678901", follow=True)

    assert response.redirect_chain == [("/portal/requests/", 302)]
    assert SENT in page(response)


def test_staff_see_the_claim_in_their_queue_and_navigation(claim, stranger, staff_en, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        html = page(staff_en.get("/portal-requests/"))

    assert "Sanne Vreemd" in html and "sanne@elders.test" in html
    assert "Garage Snel" in html and "K2001" in html
    assert f'action="/portal-requests/{claim.pk}/decide/"' in html
    assert "1 request waiting" in html
    assert 'href="/portal-requests/"' in page(staff_en.get("/"))


def test_staff_approval_makes_the_requester_admin_and_mails_them(
    claim, stranger, garage, staff_en, supplier_user, mailoutbox, django_capture_on_commit_callbacks
):
    TaskFactory(relations=[garage], subject="Remmen piepen")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_en.post(f"/portal-requests/{claim.pk}/decide/", {"decision": "approve"}, follow=True)

    assert "Sanne Vreemd is now the administrator of Garage Snel, and gets an e-mail." in page(response)
    link = ContactLink.objects.get(pk=claim.link_id)
    assert (link.status, link.is_admin, link.support_access) == ("approved", True, "all")
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == (OrganisationClaim.Status.APPROVED, supplier_user)
    assert list(pending_organisation_claims()) == []
    [message] = mailoutbox
    assert message.to == ["sanne@elders.test"]
    assert "you are now its administrator" in message.body
    assert f"http://{SUPPLIER.host}:{settings.SITE_PORT}/portal/" in message.body
    [event] = SecurityEvent.objects.filter(kind=Kind.CLAIM_APPROVED)
    assert event.actor_id == supplier_user.pk and "Sanne Vreemd" in event.summary
    client = portal_client(stranger)
    assert switcher(page(client.get("/portal/", follow=True))) == ["Garage Snel"]
    assert "Remmen piepen" in page(client.get(org_url(garage, "tasks/")))
    assert client.get(org_url(garage, "members/")).status_code == 200


def test_staff_refusal_rejects_the_request_and_mails_the_requester(
    claim, stranger, garage, staff_en, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_en.post(f"/portal-requests/{claim.pk}/decide/", {"decision": "refuse"}, follow=True)

    assert "The request of Sanne Vreemd for Garage Snel is refused; they get an e-mail." in page(response)
    link = ContactLink.objects.get(pk=claim.link_id)
    assert (link.status, link.is_admin) == ("rejected", False)
    [message] = mailoutbox
    assert message.subject == "Your request for Garage Snel was not approved"
    assert "Your request to join Garage Snel was not approved." in message.body
    assert SecurityEvent.objects.filter(kind=Kind.CLAIM_REFUSED).count() == 1
    assert portal_client(stranger).get(org_url(garage)).status_code == 404


def test_a_claim_is_decided_once(claim, staff_en, mailoutbox, django_capture_on_commit_callbacks):
    staff_en.post(f"/portal-requests/{claim.pk}/decide/", {"decision": "refuse"})
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_en.post(f"/portal-requests/{claim.pk}/decide/", {"decision": "approve"}, follow=True)

    assert "This request has already been decided." in page(response)
    assert ContactLink.objects.get(pk=claim.link_id).status == "rejected"
    assert mailoutbox == []


def test_a_claim_decision_locks_the_request_it_decides(claim, supplier_user):
    """The link's status is checked under its row lock, so an admin deciding the same request on
    Members at the same moment cannot both see it waiting (links are locked before claims)."""
    with CaptureQueriesContext(connection) as queries:
        decide_organisation_claim(claim=claim, approve=True, actor=supplier_user)

    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert 'FROM "contacts_contactlink"' in locks[0] and 'FROM "portal_organisationclaim"' in locks[1]


def test_a_claim_whose_request_an_admin_decided_meanwhile_is_refused_with_one_mail(
    claim, garage, supplier_user, mailoutbox, django_capture_on_commit_callbacks
):
    ContactLink.objects.filter(pk=claim.link_id).update(status=ContactLink.PortalStatus.APPROVED)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError, match="already been decided"):
        decide_organisation_claim(claim=claim, approve=True, actor=supplier_user)

    link = ContactLink.objects.get(pk=claim.link_id)
    assert (link.is_admin, link.support_access) == (False, "none")
    assert mailoutbox == []


def test_a_claim_decided_by_an_admin_appointed_meanwhile_leaves_the_queue(
    claim, garage, supplier_user, django_capture_on_commit_callbacks
):
    admin = portal_person(
        supplier_user,
        first_name="Gert",
        last_name="Garage",
        email="gert@garage.test",
        memberships=[(garage, {"is_admin": True})],
    )

    with django_capture_on_commit_callbacks(execute=True):
        portal_client(admin).post(
            org_url(garage, f"members/{claim.link_id}/decide/"), {"decision": "approve", "support_access": "own"}
        )

    assert list(pending_organisation_claims()) == []
    link = ContactLink.objects.get(pk=claim.link_id)
    assert (link.status, link.is_admin, link.support_access) == ("approved", False, "own")


def test_the_queue_is_for_staff_only(claim, stranger, org_admin):
    anonymous = client_for(SUPPLIER)
    assert anonymous.get("/portal-requests/").status_code == 302
    portal_user = portal_client(org_admin)
    assert portal_user.get("/portal-requests/").status_code == 403
    assert portal_user.post(f"/portal-requests/{claim.pk}/decide/", {"decision": "approve"}).status_code == 403
    assert ContactLink.objects.get(pk=claim.link_id).status == "requested"


def test_a_request_to_an_organisation_with_admins_is_no_claim(stranger, org_admin, bakkerij):
    ask_to_join(portal_client(stranger), "K1001", "12345678")

    assert ContactLink.objects.get(contact=stranger, relation=bakkerij).status == "requested"
    assert list(pending_organisation_claims()) == []


def test_control_characters_in_the_customer_number_are_a_form_error(stranger, garage):
    response = ask_to_join(portal_client(stranger), "K20\r\n01", "45678901")

    assert response.status_code == 400
    assert re.search(r"control characters are not allowed", page(response))
    assert not ContactLink.objects.filter(contact=stranger).exists()
