"""The relink at production size (issue 17) and its exact undo (issue 18): the preview shows a
count and the first tasks, relink and undo issue the same queries for 30 tasks as for 300, and
the undo gives back every link the relink changed, link by link."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from subscriptions import relink as relink_services
from subscriptions.services import bind_technical_setup
from tasks.models import Task, TaskLink
from tests.factories import RelationFactory, SubscriptionFactory, TaskFactory


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def bound_pair(contractant, actor):
    old, new = RelationFactory(name="Bakkerij Jansen V.O.F."), RelationFactory(name="Jansen Brood & Banket B.V.")
    SubscriptionFactory(relation=new)
    bind_technical_setup(
        subscription=SubscriptionFactory(relation=old), contractant=contractant, database="default", actor=actor
    )
    return old, new


def many_open_tasks(relation, count: int) -> list[Task]:
    """Tasks the way a big contractant has them: written in bulk, not one factory call each."""
    tasks = Task.objects.bulk_create([Task(subject=f"Melding {n:04d}", status="open") for n in range(count)])
    TaskLink.objects.bulk_create(
        [TaskLink(task=task, relation=relation, task_created_at=task.created_at) for task in tasks]
    )
    return tasks


def test_the_preview_of_many_tasks_shows_the_count_and_only_the_first_ones(supplier_staff_client, supplier_user, alpha):
    old, new = bound_pair(alpha, supplier_user)
    tasks = many_open_tasks(old, relink_services.PREVIEW_TASKS + 15)
    supplier_staff_client.cookies["django_language"] = "en"
    url = f"/relations/{old.pk}/relink/?to={new.pk}"

    with CaptureQueriesContext(connection) as small:
        page = supplier_staff_client.get(url).content.decode()
    many_open_tasks(old, 200)
    with CaptureQueriesContext(connection) as large:
        larger = supplier_staff_client.get(url).content.decode()

    assert "<dt>Open tasks that move</dt><dd><strong>40</strong></dd>" in page
    assert "Show the first 25 tasks" in page
    for task in tasks[: relink_services.PREVIEW_TASKS]:
        assert f"#{task.pk} {task.subject}" in page
    assert tasks[relink_services.PREVIEW_TASKS].subject not in page
    # The rest is a click away: the relation's own Tasks tab, open tasks.
    assert f'href="/relations/{old.pk}/tasks/?open=1">and 15 more open tasks' in page
    assert "<strong>240</strong>" in larger and "and 215 more open tasks" in larger
    assert larger.count("<li>#") == page.count("<li>#") == relink_services.PREVIEW_TASKS
    assert len(large) == len(small) <= 25


def test_a_preview_of_few_tasks_lists_them_all_without_a_link(supplier_staff_client, supplier_user, alpha):
    old, new = bound_pair(alpha, supplier_user)
    tasks = many_open_tasks(old, 3)
    supplier_staff_client.cookies["django_language"] = "en"

    page = supplier_staff_client.get(f"/relations/{old.pk}/relink/?to={new.pk}").content.decode()

    assert "Show the 3 tasks" in page and "more open task" not in page
    assert all(task.subject in page for task in tasks)


def relink_and_undo_queries(contractant, actor, count: int) -> tuple[int, int]:
    old, new = bound_pair(contractant, actor)
    tasks = many_open_tasks(old, count)
    # Some of them already linked to the new relation too: the undo must give their old link back.
    TaskLink.objects.bulk_create(
        [TaskLink(task=task, relation=new, task_created_at=task.created_at) for task in tasks[: count // 10]]
    )
    with CaptureQueriesContext(connection) as relinked:
        result = relink_services.relink(from_relation=old, to_relation=new, actor=actor)
    with CaptureQueriesContext(connection) as undone:
        undo = relink_services.relink_undo(record=result.record, actor=actor)
    assert result.moved_task_count == undo.moved_task_count == count
    assert TaskLink.objects.filter(relation=old).count() == count
    return len(relinked), len(undone)


def test_relink_and_undo_issue_as_many_queries_for_300_tasks_as_for_30(supplier_user, alpha, beta):
    assert relink_and_undo_queries(alpha, supplier_user, 30) == relink_and_undo_queries(beta, supplier_user, 300)


def links():
    return sorted(TaskLink.objects.values_list("task_id", "relation_id"))


def test_undo_restores_every_link_exactly(supplier_user, alpha):
    old, new = bound_pair(alpha, supplier_user)
    third = RelationFactory(name="Accountantskantoor Visser")
    only_old = TaskFactory(relations=[old], subject="Alleen oud")
    old_and_new = TaskFactory(relations=[old, new], subject="Oud en nieuw")
    old_and_third = TaskFactory(relations=[old, third], subject="Oud en derde")
    closed = TaskFactory(relations=[old], status=Task.Status.CLOSED, subject="Afgehandeld")
    before = links()

    result = relink_services.relink(from_relation=old, to_relation=new, actor=supplier_user)
    assert set(TaskLink.objects.filter(relation=new).values_list("task_id", flat=True)) == {
        only_old.pk,
        old_and_new.pk,
        old_and_third.pk,
    }
    assert result.record.kept_link_task_ids == [old_and_new.pk]
    undo = relink_services.relink_undo(record=result.record, actor=supplier_user)

    assert links() == before
    assert undo.moved_task_count == 3
    assert set(TaskLink.objects.filter(task=closed).values_list("relation_id", flat=True)) == {old.pk}
    # The link given back is in the task's history, by whom and as part of the relink.
    restored = TaskLink.history.filter(task_id=old_and_new.pk, relation_id=old.pk, history_type="+").latest(
        "history_date"
    )
    assert restored.history_user == supplier_user
    assert restored.history_change_reason.startswith("relink ")


def test_undo_leaves_tasks_deleted_or_relinked_by_hand_since_alone(supplier_user, alpha):
    old, new = bound_pair(alpha, supplier_user)
    both = TaskFactory(relations=[old, new], subject="Oud en nieuw")
    moved = TaskFactory(relations=[old], subject="Verplaatst")
    deleted = TaskFactory(relations=[old, new], subject="Later verwijderd")
    result = relink_services.relink(from_relation=old, to_relation=new, actor=supplier_user)
    deleted_pk = deleted.pk
    deleted.delete()
    TaskLink.objects.filter(task=moved, relation=new).delete()  # unlinked by hand after the relink

    undo = relink_services.relink_undo(record=result.record, actor=supplier_user)

    assert undo.moved_task_count == 1  # only `both` got its link back; nothing else changed
    assert set(TaskLink.objects.filter(task=both).values_list("relation_id", flat=True)) == {old.pk, new.pk}
    assert not TaskLink.objects.filter(task=moved).exists()
    assert not Task.objects.filter(pk=deleted_pk).exists()
    assert undo.record.moved_task_ids == [both.pk]
