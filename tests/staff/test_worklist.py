"""The staff home page is a work list (issue 16, deliverable 1): counts of what waits for the
person looking, each linking to the list that shows it."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model

from tasks.conversation import post_customer_reply
from tests.conftest import ALPHA, logged_in_staff
from tests.factories import TaskFactory
from tests.portal.conftest import page


def counts(html: str) -> dict[str, tuple[int, str]]:
    found = re.findall(
        r'<a class="work-item[^"]*" href="([^"]+)">\s*'
        r'<span class="work-count">(\d+)</span> <span class="work-label">([^<]+)</span>',
        html,
    )
    return {label: (int(count), href) for href, count, label in found}


def test_the_home_page_counts_my_unassigned_and_waiting_tasks_with_links(staff_en, supplier_user):
    other = get_user_model().objects.create_user("cor@brightsoft.test", "cor@brightsoft.test", is_staff=True)
    TaskFactory(assignee=supplier_user)
    TaskFactory(assignee=supplier_user, status="closed")
    TaskFactory(assignee=other)
    TaskFactory()
    TaskFactory(status="waiting", assignee=other)

    work = counts(page(staff_en.get("/")))

    assert work["My open tasks"] == (1, "/tasks/?queue=mine")
    assert work["Unassigned"] == (1, "/tasks/?queue=unassigned")
    assert work["Waiting for customer"] == (1, "/tasks/?queue=waiting")
    assert work["Organisation claims waiting"][1] == "/portal-requests/"
    assert work["E-mails from unknown senders"][1] == "/unknown-senders/"
    assert work["Client Online failures"][1] == "/sync/"


def test_customer_replies_count_since_the_last_look(staff_en, accountant, bakkerij):
    task = TaskFactory(relations=[bakkerij])
    post_customer_reply(task=task, body="Eerste", contact=accountant, channel="portal")
    first = counts(page(staff_en.get("/")))["Customer replies since you last looked"][0]

    post_customer_reply(task=task, body="Tweede", contact=accountant, channel="email")
    second = counts(page(staff_en.get("/")))["Customer replies since you last looked"][0]
    third = counts(page(staff_en.get("/")))["Customer replies since you last looked"][0]

    assert (second, third) == (1, 0)
    assert first >= 1


def test_the_work_list_costs_the_same_queries_with_one_task_or_many(staff_en, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    TaskFactory()
    staff_en.get("/")
    with CaptureQueriesContext(connection) as few:
        staff_en.get("/")
    for _ in range(30):
        TaskFactory()

    with django_assert_max_num_queries(len(few)):
        staff_en.get("/")


def test_another_contractant_counts_only_its_own_work(in_supplier):
    for _ in range(3):
        TaskFactory()

    work = counts(page(logged_in_staff(ALPHA).get("/")))

    assert work.get("Niet toegewezen", work.get("Unassigned"))[0] == 0
