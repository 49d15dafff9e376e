"""Reads that task pages share, with their joins already applied."""

from __future__ import annotations

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from relations.models import Relation
from tasks.models import Task, TaskLink

# What a row of the task list shows (templates/tasks/_task_rows.html).
LIST_FIELDS = ("pk", "subject", "status", "priority", "created_at", "assignee__email", "assignee__username")


def task_list(
    *,
    relation_id: int | None = None,
    status: str = "",
    assignee_id: int | None = None,
    only_open: bool = False,
    query: str = "",
) -> QuerySet[Task]:
    # Only the columns the rows show; the linked relations of the shown page come from
    # with_linked_relations() (one more statement for the page, not one per row).
    tasks = Task.objects.select_related("assignee").only(*LIST_FIELDS)
    if relation_id:
        tasks = tasks.filter(links__relation_id=relation_id)
    if status in Task.Status.values:
        tasks = tasks.filter(status=status)
    if only_open:
        tasks = tasks.exclude(status=Task.Status.CLOSED)
    if assignee_id:
        tasks = tasks.filter(assignee_id=assignee_id)
    if query:
        filters = Q(subject__icontains=query) | Q(description__icontains=query)
        if query.lstrip("#").isdigit():
            filters |= Q(pk=int(query.lstrip("#")))
        tasks = tasks.filter(filters)
    return tasks.order_by("-created_at", "-pk")


def with_linked_relations(tasks) -> list[Task]:
    """The tasks (a page of task_list) with `linked_relations`: [{"pk", "name"}] by name.

    One plain statement for the whole page: cheaper to build and run than a per-row
    subquery in the list statement (measured with bench/load.py)."""
    tasks = list(tasks)
    by_task: dict[int, list[dict]] = {task.pk: [] for task in tasks}
    if by_task:
        # Plain SQL: the ORM spent more time composing this two-table read than the database
        # spent running it, on every list page.
        sql = (
            f'SELECT link.task_id, relation.id, relation.name FROM "{TaskLink._meta.db_table}" link '
            f'JOIN "{Relation._meta.db_table}" relation ON relation.id = link.relation_id '
            "WHERE link.task_id = ANY(%s) ORDER BY relation.name, relation.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(by_task)])
            for task_id, relation_id, name in cursor.fetchall():
                by_task[task_id].append({"pk": relation_id, "name": name})
    for task in tasks:
        task.linked_relations = by_task[task.pk]
    return tasks


def task_detail(*, pk: int) -> Task:
    return (
        Task.objects.select_related("assignee")
        .prefetch_related(
            Prefetch("links", queryset=TaskLink.objects.select_related("relation").order_by("relation__name")),
            "comments__author",
        )
        .get(pk=pk)
    )


def open_task_ids_of(relation: Relation) -> list[int]:
    return list(
        Task.objects.filter(links__relation=relation).exclude(status=Task.Status.CLOSED).values_list("pk", flat=True)
    )
