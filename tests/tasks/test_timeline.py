"""One timeline per task (issue 15): staff see everything in time order, customers the public
part; a relation's history shows a bulk move as one entry."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from subscriptions.relink import relink
from subscriptions.services import bind_technical_setup
from tasks.conversation import post_staff_message
from tasks.models import Task
from tasks.services import move_tasks, task_change_status, task_link_add, task_update
from tasks.timeline import task_timeline
from tests.factories import RelationFactory, SubscriptionFactory, TaskFactory
from tests.portal.conftest import org_url, page, portal_client


def lines(entries) -> list[str]:
    return [line for entry in entries for line in entry.lines] + [
        entry.message.body for entry in entries if entry.message
    ]


def test_staff_see_status_assignment_links_and_messages_in_time_order(supplier_user, bakkerij, cafe):
    from tasks.services import task_create

    task = task_create(actor=supplier_user, subject="Loonstrook", relations=[bakkerij])
    task_change_status(task=task, status="waiting", actor=supplier_user)
    task_update(task=task, actor=supplier_user, data={"assignee": supplier_user, "priority": Task.Priority.HIGH})
    task_link_add(task=task, relation=cafe, actor=supplier_user)
    post_staff_message(task=task, body="Intern overleg", kind="note", actor=supplier_user)

    entries = task_timeline(task)

    assert [entry.kind for entry in entries] == ["created", "link", "change", "change", "link", "note"]
    text = lines(entries)
    assert "Status: New → Waiting" in text
    assert any(line.startswith("Assigned to ") for line in text) and "Priority: Normal → High" in text
    assert f"Linked to {cafe.name}" in text and "Intern overleg" in text
    assert all(entry.who for entry in entries)


def test_the_customer_timeline_has_status_changes_and_replies_only(supplier_user, accountant, bakkerij):
    task = TaskFactory(relations=[bakkerij], reporter=accountant, status="new")
    task_change_status(task=task, status="waiting", actor=supplier_user)
    task_update(task=task, actor=supplier_user, data={"assignee": supplier_user})
    post_staff_message(task=task, body="Intern overleg", kind="note", actor=supplier_user)
    post_staff_message(task=task, body="Graag uw loonstrook", kind="reply", actor=supplier_user)

    entries = task_timeline(task, for_customer=True)
    html = page(portal_client(accountant).get(org_url(bakkerij, f"tasks/{task.code}/")))

    assert {entry.kind for entry in entries} <= {"created", "change", "reply"}
    assert "Graag uw loonstrook" in html and "Status: New → Waiting" in html
    assert "Intern overleg" not in html and "Assigned to" not in html and "Linked to" not in html


def test_a_relink_shows_on_the_task_as_a_relink(supplier_user, alpha):
    old, new = RelationFactory(name="Oud B.V."), RelationFactory(name="Nieuw B.V.")
    SubscriptionFactory(relation=new)
    bind_technical_setup(
        subscription=SubscriptionFactory(relation=old), contractant=alpha, database="default", actor=supplier_user
    )
    task = TaskFactory(relations=[old])

    relink(from_relation=old, to_relation=new, actor=supplier_user)

    assert "Moved from Oud B.V. to Nieuw B.V. (relink)" in lines(task_timeline(task))


def test_a_bulk_move_is_one_entry_on_the_relations_history(staff_en, supplier_user):
    old, new = RelationFactory(name="Oud B.V."), RelationFactory(name="Nieuw B.V.")
    tasks = [TaskFactory(relations=[old]) for _ in range(12)]

    move_tasks(task_ids=[t.pk for t in tasks], from_relation=old, to_relation=new, actor=supplier_user)

    html = page(staff_en.get(f"/relations/{new.pk}/history/"))
    assert html.count("Tasks moved: 12 tasks") == 1
    assert '<span class="badge">changed</span>' not in html  # no row per moved task


def test_the_task_page_costs_the_same_queries_with_one_message_or_many(
    staff_en, supplier_user, bakkerij, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    task = TaskFactory(relations=[bakkerij])
    post_staff_message(task=task, body="Eerste", kind="reply", actor=supplier_user)
    staff_en.get(f"/tasks/{task.pk}/")  # warm the host lookup
    with CaptureQueriesContext(connection) as one:
        staff_en.get(f"/tasks/{task.pk}/")
    other = get_user_model().objects.create_user("collega@brightsoft.test", "collega@brightsoft.test", is_staff=True)
    for number in range(15):
        post_staff_message(task=task, body=f"Bericht {number}", kind="note" if number % 2 else "reply", actor=other)
        task_change_status(task=task, status="waiting" if number % 2 else "open", actor=supplier_user)

    with django_assert_max_num_queries(len(one)):
        staff_en.get(f"/tasks/{task.pk}/")
