"""The portal's contacts and members pages of a large organisation: a page at a time, by name,
with a constant number of queries (issue 17: 300 contacts took 573 ms at p95 unpaginated)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import ContactLink
from tests.factories import ContactFactory, ContactLinkFactory
from tests.portal.conftest import org_url, page, portal_client


def contact_names(html: str) -> list[str]:
    return re.findall(r'<li class="card"><a href="[^"]+"><strong>([^<]+)</strong>', html)


def member_names(html: str) -> list[str]:
    return re.findall(r"<td><strong>([^<]+)</strong>", html)


def add_people(relation, count: int, *, start: int = 0, status=ContactLink.PortalStatus.APPROVED) -> None:
    for n in range(start, start + count):
        contact = ContactFactory(first_name="", last_name=f"Collega {n:03d}")
        ContactLinkFactory(contact=contact, relation=relation, status=status)


def test_contacts_page_shows_25_by_name_and_the_rest_on_page_2(org_admin, bakkerij):
    add_people(bakkerij, 29)  # with Bert Jansen himself: 30
    client = portal_client(org_admin)

    first = page(client.get(org_url(bakkerij, "contacts/")))
    second = page(client.get(org_url(bakkerij, "contacts/?page=2")))

    # By last name: the Collega's before Bert Jansen.
    assert contact_names(first) == [f"Collega {n:03d}" for n in range(25)]
    assert contact_names(second) == [*[f"Collega {n:03d}" for n in range(25, 29)], "Bert Jansen"]
    assert "Page 2 of 2" in second


@pytest.mark.parametrize(("number", "first_name"), [("x", "Collega 000"), ("0", "Collega 000"), ("7", "Collega 025")])
def test_contacts_page_with_a_bad_page_number_shows_the_first_or_the_last(org_admin, bakkerij, number, first_name):
    add_people(bakkerij, 29)

    response = portal_client(org_admin).get(org_url(bakkerij, f"contacts/?page={number}"))

    assert response.status_code == 200
    assert contact_names(page(response))[0] == first_name


def test_contacts_page_lists_no_one_outside_the_organisation_on_any_page(org_admin, bakkerij):
    add_people(bakkerij, 29)
    ContactFactory(first_name="", last_name="Collega 000 elders")
    ContactLinkFactory(
        contact=ContactFactory(first_name="", last_name="Collega 001 verzoek"),
        relation=bakkerij,
        status=ContactLink.PortalStatus.REQUESTED,
    )
    client = portal_client(org_admin)

    listed = contact_names(page(client.get(org_url(bakkerij, "contacts/")))) + contact_names(
        page(client.get(org_url(bakkerij, "contacts/?page=2")))
    )

    assert len(listed) == 30 and not any("elders" in name or "verzoek" in name for name in listed)


def test_contacts_page_reads_a_constant_number_of_queries(org_admin, bakkerij):
    client = portal_client(org_admin)

    def queries_for(count: int, start: int) -> int:
        add_people(bakkerij, count, start=start)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(org_url(bakkerij, "contacts/")).status_code == 200
        return len(queries)

    assert queries_for(5, 0) == queries_for(45, 5)


def test_members_page_shows_25_and_the_rest_on_page_2(org_admin, bakkerij):
    add_people(bakkerij, 29)
    client = portal_client(org_admin)

    first = member_names(page(client.get(org_url(bakkerij, "members/"))))
    second = member_names(page(client.get(org_url(bakkerij, "members/?page=2"))))

    assert len(first) == 25 and len(second) == 5
    assert sorted(first + second) == sorted(["Bert Jansen", *[f"Collega {n:03d}" for n in range(29)]])


def test_members_page_with_a_page_past_the_last_shows_the_last(org_admin, bakkerij):
    add_people(bakkerij, 29)
    client = portal_client(org_admin)

    past = member_names(page(client.get(org_url(bakkerij, "members/?page=99"))))

    assert past == member_names(page(client.get(org_url(bakkerij, "members/?page=2"))))


def test_members_page_reads_a_constant_number_of_queries(org_admin, bakkerij):
    client = portal_client(org_admin)

    def queries_for(count: int, start: int) -> int:
        add_people(bakkerij, count, start=start, status=ContactLink.PortalStatus.REQUESTED)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(org_url(bakkerij, "members/")).status_code == 200
        return len(queries)

    assert queries_for(5, 0) == queries_for(45, 5)
