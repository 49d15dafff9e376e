"""A relation's tasks newest first, read from its links' copy of the task's date (issue 17)."""

from __future__ import annotations

import re

import pytest

from tasks.models import TaskLink
from tasks.selectors import task_page
from tasks.services import task_link_add
from tests.factories import RelationFactory, TaskFactory

pytestmark = pytest.mark.django_db


def _numbers_shown(page: str) -> list[int]:
    return [int(number) for number in re.findall(r'href="/tasks/(\d+)/"', page)]


def test_a_task_linked_later_keeps_its_place_by_creation_date(supplier_staff_client, in_supplier):
    relation = RelationFactory(name="Bakkerij Jansen")
    older, newer = TaskFactory(subject="Eerste vraag"), TaskFactory(subject="Tweede vraag", relations=[relation])
    # The older task gets its link last: the list still follows the tasks' own dates.
    task_link_add(task=older, relation=relation, actor=None)

    for url in (f"/relations/{relation.pk}/tasks/", f"/tasks/?relation={relation.pk}"):
        shown = _numbers_shown(supplier_staff_client.get(url).content.decode())
        assert shown.index(newer.pk) < shown.index(older.pk), url


def test_every_way_of_linking_copies_the_tasks_date(in_supplier):
    relation, other = RelationFactory(), RelationFactory()
    task = TaskFactory(relations=[relation])
    task_link_add(task=task, relation=other, actor=None)

    dates = set(TaskLink.objects.filter(task=task).values_list("task_created_at", flat=True))
    assert dates == {task.created_at}


def test_a_relations_tasks_are_counted_up_to_their_own_cap(in_supplier, monkeypatch):
    monkeypatch.setattr("tasks.selectors.RELATION_COUNT_CAP", 3)
    relation = RelationFactory(name="Groot Salarisbureau")
    TaskFactory.create_batch(5, relations=[relation])

    of_relation = task_page(relation_id=relation.pk, only_open=True, per_page=2)
    of_desk = task_page(per_page=2)

    assert of_relation.paginator.capped and of_relation.paginator.num_pages == 2
    assert not of_desk.paginator.capped and of_desk.paginator.count == 5
