"""Moving task links in bulk from relation A to relation B (tasks.services.move_tasks)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tasks.models import Task, TaskLink
from tasks.services import move_tasks
from tests.factories import RelationFactory, TaskFactory


def relations_of(task) -> set[int]:
    return set(TaskLink.objects.filter(task=task).values_list("relation_id", flat=True))


@pytest.fixture
def a_b_c(in_supplier):
    return RelationFactory(name="A"), RelationFactory(name="B"), RelationFactory(name="C")


def test_move_keeps_third_links_and_never_duplicates(a_b_c, supplier_user):
    a, b, c = a_b_c
    plain = TaskFactory(relations=[a])
    with_third = TaskFactory(relations=[a, c])
    already_on_b = TaskFactory(relations=[a, b])

    moved = move_tasks(
        task_ids=[plain.pk, with_third.pk, already_on_b.pk], from_relation=a, to_relation=b, actor=supplier_user
    )

    assert moved == 3
    assert relations_of(plain) == {b.pk}
    assert relations_of(with_third) == {b.pk, c.pk}
    assert relations_of(already_on_b) == {b.pk}


def test_closed_tasks_move_only_when_selected(a_b_c, supplier_user):
    a, b, _ = a_b_c
    closed_selected = TaskFactory(relations=[a], status=Task.Status.CLOSED)
    closed_not_selected = TaskFactory(relations=[a], status=Task.Status.CLOSED)

    move_tasks(task_ids=[closed_selected.pk], from_relation=a, to_relation=b, actor=supplier_user)

    assert relations_of(closed_selected) == {b.pk}
    assert relations_of(closed_not_selected) == {a.pk}


def test_tasks_not_linked_to_the_source_are_left_alone(a_b_c, supplier_user):
    a, b, c = a_b_c
    elsewhere = TaskFactory(relations=[c])

    assert move_tasks(task_ids=[elsewhere.pk], from_relation=a, to_relation=b, actor=supplier_user) == 0
    assert relations_of(elsewhere) == {c.pk}


def test_moving_to_the_same_relation_is_refused(a_b_c, supplier_user):
    a, _, _ = a_b_c
    task = TaskFactory(relations=[a])

    with pytest.raises(ValidationError):
        move_tasks(task_ids=[task.pk], from_relation=a, to_relation=a, actor=supplier_user)
    assert relations_of(task) == {a.pk}


def test_every_moved_and_dropped_link_is_in_the_history_with_its_actor(a_b_c, supplier_user):
    a, b, _ = a_b_c
    plain = TaskFactory(relations=[a])
    already_on_b = TaskFactory(relations=[a, b])

    move_tasks(task_ids=[plain.pk, already_on_b.pk], from_relation=a, to_relation=b, actor=supplier_user)

    changed = TaskLink.history.get(task_id=plain.pk, history_type="~")
    assert (changed.relation_id, changed.history_user) == (b.pk, supplier_user)
    dropped = TaskLink.history.get(task_id=already_on_b.pk, history_type="-")
    assert (dropped.relation_id, dropped.history_user) == (a.pk, supplier_user)


def test_query_count_does_not_grow_with_the_number_of_tasks(a_b_c, supplier_user):
    a, b, _ = a_b_c
    few = [TaskFactory(relations=[a]).pk for _ in range(3)]
    many = [TaskFactory(relations=[b]).pk for _ in range(40)]

    with CaptureQueriesContext(connection) as small:
        move_tasks(task_ids=few, from_relation=a, to_relation=b, actor=supplier_user)
    with CaptureQueriesContext(connection) as large:
        move_tasks(task_ids=many, from_relation=b, to_relation=a, actor=supplier_user)

    assert len(small) == len(large) <= 8


def test_move_all_open_tasks_from_the_relation_tasks_tab(supplier_staff_client, in_supplier):
    a, b = RelationFactory(name="Oud"), RelationFactory(name="Nieuw")
    open_tasks = [TaskFactory(relations=[a]) for _ in range(3)]
    closed = TaskFactory(relations=[a], status=Task.Status.CLOSED)
    supplier_staff_client.post("/i18n/setlang/", {"language": "en"})

    response = supplier_staff_client.post(
        "/tasks/move/",
        {"from_relation": a.pk, "to_relation": b.pk, "all_open": "on", "next": f"/relations/{a.pk}/tasks/"},
        follow=True,
    )

    assert "3 tasks moved from Oud to Nieuw." in response.content.decode()
    assert all(relations_of(task) == {b.pk} for task in open_tasks)
    assert relations_of(closed) == {a.pk}


@pytest.mark.parametrize("next_url", ["relations:list", '"><b>x</b>', "https://evil.example/", "//evil.example/"])
def test_a_foreign_or_odd_next_url_falls_back_to_the_task_list(supplier_staff_client, in_supplier, next_url):
    # Found by tests/test_every_form.py: a `next` that was not a path was reversed as a view name (500).
    a, b = RelationFactory(name="Oud"), RelationFactory(name="Nieuw")
    task = TaskFactory(relations=[a])

    response = supplier_staff_client.post(
        "/tasks/move/", {"from_relation": a.pk, "to_relation": b.pk, "task_ids": [task.pk], "next": next_url}
    )

    assert (response.status_code, response["Location"]) == (302, "/tasks/")
    assert relations_of(task) == {b.pk}


def test_move_without_selection_or_target_is_refused_clearly(supplier_staff_client, in_supplier):
    a = RelationFactory(name="Oud")
    task = TaskFactory(relations=[a])
    supplier_staff_client.post("/i18n/setlang/", {"language": "en"})

    no_target = supplier_staff_client.post(
        "/tasks/move/", {"from_relation": a.pk, "task_ids": [task.pk]}, follow=True
    ).content.decode()
    no_selection = supplier_staff_client.post(
        "/tasks/move/", {"from_relation": a.pk, "to_relation": RelationFactory().pk}, follow=True
    ).content.decode()

    assert "Choose the relation to move the tasks to." in no_target
    assert "Select at least one task, or all open tasks." in no_selection
    assert relations_of(task) == {a.pk}
