"""The organisation switcher lists approved memberships; every other organisation code answers 404."""

from __future__ import annotations

import uuid

import pytest

from contacts.models import ContactLink
from tests.factories import ContactLinkFactory, RelationFactory, TaskFactory
from tests.portal.conftest import org_url, page, portal_client, switcher


@pytest.fixture
def pending_and_rejected(accountant):
    """Anneke also asked to join two more organisations: one request waits, one was rejected."""
    waiting = RelationFactory(name="Drukkerij Pers")
    rejected = RelationFactory(name="Garage Snel")
    ContactLinkFactory(contact=accountant, relation=waiting, status=ContactLink.PortalStatus.REQUESTED)
    ContactLinkFactory(contact=accountant, relation=rejected, status=ContactLink.PortalStatus.REJECTED)
    return waiting, rejected


def test_header_lists_exactly_the_approved_memberships(accountant, pending_and_rejected, bakkerij):
    html = page(portal_client(accountant).get(org_url(bakkerij)))

    assert switcher(html) == ["Bakkerij Jansen", "Bouwbedrijf De Boer", "Café Het Hoekje"]
    assert f'<option value="{bakkerij.code}" selected>' in html


def test_the_organisation_page_reads_the_memberships_once(accountant, bakkerij, django_assert_num_queries):
    client = portal_client(accountant)
    client.get(org_url(bakkerij))  # the session now sits in the cache

    # User, contact, and the approved memberships (the switcher's entries, from which the access
    # check picks the current one), the work list's two counts and the session's "last visit"
    # (its write in a transaction); django-tenants puts a SET search_path before each. The host
    # was looked up by the first visit and is remembered in process.
    with django_assert_num_queries(16):
        html = page(client.get(org_url(bakkerij)))

    assert switcher(html) == ["Bakkerij Jansen", "Bouwbedrijf De Boer", "Café Het Hoekje"]


def test_an_inactive_organisation_leaves_the_switcher_and_answers_404(accountant, bouwbedrijf, bakkerij):
    bouwbedrijf.is_active = False
    bouwbedrijf.save(update_fields=["is_active"])
    client = portal_client(accountant)

    assert "Bouwbedrijf De Boer" not in switcher(page(client.get(org_url(bakkerij))))
    assert client.get(org_url(bouwbedrijf)).status_code == 404


def test_switch_goes_to_the_chosen_organisation(accountant, cafe):
    response = portal_client(accountant).get(f"/portal/switch/?org={cafe.code}", follow=True)

    assert response.redirect_chain == [(org_url(cafe), 302)]
    assert '<p class="org-title">Café Het Hoekje' in page(response)


@pytest.mark.parametrize("which", ["waiting", "rejected", "someone else's", "unknown"])
def test_switch_to_an_organisation_without_approved_membership_answers_404(accountant, pending_and_rejected, which):
    waiting, rejected = pending_and_rejected
    code = {
        "waiting": waiting.code,
        "rejected": rejected.code,
        "someone else's": RelationFactory(name="Ander B.V.").code,
        "unknown": uuid.uuid4(),
    }[which]

    assert portal_client(accountant).get(f"/portal/switch/?org={code}").status_code == 404


ORG_PAGES = ["", "contacts/", "contacts/new/", "members/", "tasks/", "tasks/new/"]


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("rest", ORG_PAGES)
def test_every_page_of_an_organisation_the_user_is_no_approved_member_of_answers_404(
    accountant, pending_and_rejected, method, rest
):
    waiting, rejected = pending_and_rejected
    other = RelationFactory(name="Ander B.V.")
    client = portal_client(accountant)

    for relation in [waiting, rejected, other]:
        response = getattr(client, method)(org_url(relation, rest), {"street": "Inbraakstraat", "subject": "x"})
        assert response.status_code == 404, (relation.name, rest)


def test_deep_links_into_another_organisation_answer_404(accountant, org_admin):
    other = RelationFactory(name="Ander B.V.")
    ContactLinkFactory(contact=org_admin, relation=other, is_admin=True)
    task = TaskFactory(relations=[other], reporter=org_admin)
    link = other.contact_links.get()
    client = portal_client(accountant)

    assert client.get(org_url(other, f"contacts/{org_admin.code}/")).status_code == 404
    assert client.get(org_url(other, f"tasks/{task.code}/")).status_code == 404
    assert client.post(org_url(other, f"tasks/{task.code}/"), {"body": "Hallo"}).status_code == 404
    assert client.post(org_url(other, f"members/{link.pk}/decide/"), {"decision": "approve"}).status_code == 404
    assert client.post(org_url(other, f"members/{link.pk}/access/"), {"support_access": "all"}).status_code == 404
    assert not task.messages.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/portal/o/not-a-code/",
        "/portal/o/12/tasks/",
        "/portal/o/00000000-0000-0000-0000-00000000000g/contacts/",
        "/portal/switch/?org=bakkerij",
        "/portal/switch/",
    ],
)
def test_a_malformed_organisation_code_answers_404(accountant, url):
    client = portal_client(accountant)

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


@pytest.mark.parametrize("rest", ["contacts/not-a-code/", "tasks/42/", "members/abc/decide/", "members/-1/access/"])
def test_a_malformed_code_inside_an_organisation_answers_404(org_admin, bakkerij, rest):
    client = portal_client(org_admin)

    assert client.post(org_url(bakkerij, rest), {"decision": "approve", "support_access": "own"}).status_code == 404


def test_a_superscript_digit_as_member_id_answers_404(org_admin, bakkerij):
    client = portal_client(org_admin)

    assert client.post(org_url(bakkerij, "members/²/decide/"), {"decision": "approve"}).status_code == 404
