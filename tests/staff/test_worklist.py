"""The staff home page is a work list (issue 16, deliverable 1): counts of what waits for the
person looking, each linking to the list that shows it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

import tasks.selectors
import tasks.worklist
from tasks.conversation import post_customer_reply
from tests.conftest import ALPHA, logged_in_staff
from tests.factories import TaskFactory
from tests.portal.conftest import page


def counts(html: str) -> dict[str, tuple[int | str, str]]:
    """{label: (count, link)}; a capped count stays text ("3+")."""
    found = re.findall(
        r'<a class="work-item[^"]*" href="([^"]+)">\s*'
        r'<span class="work-count">(\d+\+?)</span> <span class="work-label">([^<]+)</span>',
        html,
    )
    return {label: (int(count) if count.isdigit() else count, href) for href, count, label in found}


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


# --- SLA counts (issue 16) ------------------------------------------------------------------


def test_breached_and_due_today_count_open_tasks_by_their_due_times(staff_en, monkeypatch):
    now = timezone.make_aware(datetime.datetime(2026, 12, 2, 11, 0), tasks.selectors.DESK_ZONE)
    monkeypatch.setattr(tasks.worklist.timezone, "now", lambda: now)
    hour = datetime.timedelta(hours=1)
    # Breached: flagged by the beat job (also while waiting), or past a due time before its next run.
    TaskFactory(sla_breached_at=now - hour, resolution_due_at=now - hour)
    TaskFactory(status="waiting", sla_breached_at=now - hour)
    TaskFactory(response_due_at=now - hour)
    TaskFactory(resolution_due_at=now - hour)
    # Not breached: a met response, a closed task, a waiting task whose clock stands still.
    TaskFactory(response_due_at=now - hour, first_response_at=now - 2 * hour, resolution_due_at=now + 48 * hour)
    TaskFactory(status="closed", sla_breached_at=now - hour)
    TaskFactory(status="waiting", resolution_due_at=now - hour)
    # Due today: before midnight in Amsterdam, not yet passed.
    TaskFactory(response_due_at=now + hour)
    TaskFactory(resolution_due_at=now + 12 * hour + 59 * datetime.timedelta(minutes=1))
    # Not due today: after midnight, a met response, waiting.
    TaskFactory(resolution_due_at=now + 13 * hour)
    TaskFactory(response_due_at=now + hour, first_response_at=now - hour)
    TaskFactory(status="waiting", resolution_due_at=now + hour)

    work = counts(page(staff_en.get("/")))

    assert work["SLA breached"] == (4, "/tasks/?queue=breached")
    assert work["Due today"] == (2, "/tasks/?queue=due_today")


def test_sla_counts_are_coloured_bad_and_warn(staff_en):
    TaskFactory(sla_breached_at=timezone.now())
    TaskFactory(response_due_at=timezone.now() + datetime.timedelta(minutes=5))

    html = page(staff_en.get("/"))

    assert '<a class="work-item tone-bad" href="/tasks/?queue=breached">' in html
    assert '<a class="work-item tone-warn" href="/tasks/?queue=due_today">' in html


@pytest.mark.parametrize(("tasks_made", "shown"), [(3, 3), (4, "3+"), (6, "3+")])
def test_a_count_past_the_cap_shows_the_cap_with_a_plus(staff_en, supplier_user, monkeypatch, tasks_made, shown):
    monkeypatch.setattr(tasks.worklist, "COUNT_CAP", 3)
    for _ in range(tasks_made):
        TaskFactory(assignee=supplier_user)

    work = counts(page(staff_en.get("/")))

    assert work["My open tasks"] == (shown, "/tasks/?queue=mine")
    assert work["Unassigned"] == (0, "/tasks/?queue=unassigned")


def test_with_no_task_at_all_every_task_count_is_zero(staff_en):
    work = counts(page(staff_en.get("/")))

    for label in ["My open tasks", "Unassigned", "SLA breached", "Due today", "Waiting for customer"]:
        assert work[label][0] == 0


def test_the_home_page_reads_its_counts_and_charts_in_a_fixed_number_of_queries(
    staff_en, supplier_user, django_assert_num_queries
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tasks import charts

    def forget_charts():  # as ten minutes later
        cache.delete_many([charts.cache_key(name, charts.week_starts()) for name in charts.CHARTS])

    TaskFactory(assignee=supplier_user)
    staff_en.get("/")
    forget_charts()
    with CaptureQueriesContext(connection) as cold:
        staff_en.get("/")
    with CaptureQueriesContext(connection) as warm:
        staff_en.get("/")
    for _ in range(20):
        TaskFactory(assignee=supplier_user, status="closed")
        TaskFactory(first_response_at=timezone.now())
    forget_charts()

    # The charts cost two statements (each after its SET search_path), read once per ten minutes.
    assert len(cold) == len(warm) + 4
    with django_assert_num_queries(len(cold)):
        staff_en.get("/")
    with django_assert_num_queries(len(warm)):
        staff_en.get("/")
