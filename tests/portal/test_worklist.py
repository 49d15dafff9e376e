"""The portal's organisation page starts with a work list (issue 16, deliverable 1): open
tickets, those waiting for the customer's reply, answers since the last visit, and for an
administrator the membership requests waiting."""

from __future__ import annotations

import re

from tasks.conversation import post_staff_message
from tests.factories import TaskFactory
from tests.portal.conftest import org_url, page, portal_client


def work(html: str) -> dict[str, int]:
    found = re.findall(r'<span class="work-count">(\d+)</span> <span class="work-label">([^<]+)</span>', html)
    return {label: int(count) for count, label in found}


def test_the_start_page_counts_what_waits_for_the_member(accountant, bakkerij, cafe, supplier_user):
    waiting = TaskFactory(relations=[bakkerij], reporter=accountant, status="waiting")
    TaskFactory(relations=[bakkerij], reporter=accountant)
    TaskFactory(relations=[bakkerij], status="closed")
    TaskFactory(relations=[cafe], status="waiting")  # another organisation's
    client = portal_client(accountant)
    first = work(page(client.get(org_url(bakkerij))))

    post_staff_message(task=waiting, body="Graag de loonstrook", kind="reply", actor=supplier_user)
    post_staff_message(task=waiting, body="Intern", kind="note", actor=supplier_user)
    second = work(page(client.get(org_url(bakkerij))))
    third = work(page(client.get(org_url(bakkerij))))

    assert first["Open tickets"] == 2 and first["Waiting for your reply"] == 1
    assert second["Answers since your last visit"] == 1  # the reply, never the note
    assert third["Answers since your last visit"] == 0
    assert "Membership requests waiting for you" not in first  # not an administrator here


def test_an_administrator_sees_the_membership_requests_waiting(org_admin, bakkerij, stranger, supplier_user):
    from contacts.services.links import link_contact

    link_contact(contact=stranger, relation=bakkerij, actor=supplier_user, status="requested")

    counts = work(page(portal_client(org_admin).get(org_url(bakkerij))))

    assert counts["Membership requests waiting for you"] == 1
