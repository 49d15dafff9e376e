"""Where a list can grow (relations, contacts), no page renders a select of every row: the
pickers show the chosen row and a search, and a picked value posts without JavaScript."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from tasks.models import Task
from tests.factories import ContactFactory, RelationFactory
from tests.test_every_form import world  # noqa: F401  (the fixture: a contractant with one of everything)

MANY = 300


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()  # the fixture's membership request must not meet an earlier run's throttle


def test_no_staff_or_portal_page_renders_a_select_of_every_relation_or_contact(world):  # noqa: F811
    staff, staff_pages, portal, portal_pages = world
    RelationFactory.create_batch(MANY)
    ContactFactory.create_batch(MANY)
    too_long = {}
    for client, pages in [(staff, staff_pages), (portal, portal_pages)]:
        for url in pages:
            html = client.get(url).content.decode()
            for select in re.findall(r"<select\b.*?</select>", html, re.S):
                if select.count("<option") >= MANY:
                    too_long[url] = select[:120]
    assert not too_long, too_long


def test_a_picked_relation_and_reporter_post_without_javascript(world):  # noqa: F811
    staff = world[0]
    relations = RelationFactory.create_batch(MANY)
    contacts = ContactFactory.create_batch(MANY)
    page = staff.get("/tasks/new/").content.decode()
    assert page.count("<option") < MANY
    # What the browser sends without JavaScript: the radio of a search result, by id.
    response = staff.post(
        "/tasks/new/",
        {"subject": "Gekozen zonder script", "priority": 2, "relation": relations[-1].pk, "reporter": contacts[-1].pk},
    )
    assert response.status_code == 302
    task = Task.objects.get(subject="Gekozen zonder script")
    assert task.reporter == contacts[-1]
    assert list(task.links.values_list("relation_id", flat=True)) == [relations[-1].pk]
    # A refused post keeps the choice: the picked relation is still shown, checked.
    refused = staff.post("/tasks/new/", {"subject": "", "priority": 2, "relation": relations[0].pk}).content.decode()
    assert f'name="relation" value="{relations[0].pk}" checked' in refused
