"""TaskLink.task_open: the database keeps each link's "task is open" flag, whatever writes the task."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from tasks.models import Task, TaskLink
from tasks.services import task_change_status, task_link_add
from tenants import services as tenant_services
from tests.factories import RelationFactory, TaskFactory


def flags(relation) -> dict[int, bool]:
    return dict(TaskLink.objects.filter(relation=relation).values_list("task_id", "task_open"))


def test_closing_and_reopening_a_task_moves_the_flag_of_each_of_its_links(in_supplier, supplier_user):
    bakkerij, salaris = RelationFactory(), RelationFactory()
    task = TaskFactory(relations=[bakkerij, salaris])
    assert flags(bakkerij) == {task.pk: True} and flags(salaris) == {task.pk: True}

    task_change_status(task=task, status=Task.Status.CLOSED, actor=supplier_user)
    assert flags(bakkerij) == {task.pk: False} and flags(salaris) == {task.pk: False}

    task_change_status(task=task, status=Task.Status.OPEN, actor=supplier_user)
    assert flags(bakkerij) == {task.pk: True}


def test_a_link_to_a_closed_task_is_made_closed_even_when_written_as_open(in_supplier, supplier_user):
    relation = RelationFactory()
    closed = TaskFactory(status=Task.Status.CLOSED)

    task_link_add(task=closed, relation=relation, actor=supplier_user)
    assert flags(relation) == {closed.pk: False}

    other = RelationFactory()
    TaskLink.objects.bulk_create([TaskLink(task=closed, relation=other, task_created_at=closed.created_at)])
    assert flags(other) == {closed.pk: False}


def test_a_bulk_update_of_many_tasks_moves_only_the_links_whose_status_changed(in_supplier):
    relation = RelationFactory()
    tasks = [TaskFactory(relations=[relation]) for _ in range(3)]
    waiting = TaskFactory(relations=[relation], status=Task.Status.WAITING)

    closing = Task.objects.filter(pk__in=[task.pk for task in tasks[:2]])
    closing.update(status=Task.Status.CLOSED, closed_at=timezone.now())
    Task.objects.filter(pk=waiting.pk).update(status=Task.Status.OPEN)

    assert flags(relation) == {tasks[0].pk: False, tasks[1].pk: False, tasks[2].pk: True, waiting.pk: True}


def test_a_new_contractant_keeps_the_flag_too(db):
    contractant = tenant_services.provision_contractant(
        name="Cafe Het Anker",
        schema_name="het_anker",
        domain="het-anker.localhost",
        admin_email="eigenaar@hetanker.test",
        admin_password="Ankers-en-touwen-77",
    )
    connection.set_tenant(contractant)
    try:
        relation = RelationFactory()
        task = TaskFactory(relations=[relation])
        Task.objects.filter(pk=task.pk).update(status=Task.Status.CLOSED, closed_at=timezone.now())
        assert flags(relation) == {task.pk: False}
    finally:
        connection.set_schema_to_public()
