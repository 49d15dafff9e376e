"""Reads that task pages share, with their joins already applied."""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import JSONObject

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
    # The linked relations come along as one array per row (id and name, by name), and only
    # the columns the rows show are read: a list page is one statement plus its count.
    linked_relations = ArraySubquery(
        TaskLink.objects.filter(task=OuterRef("pk"))
        .order_by("relation__name", "relation_id")
        .values(json=JSONObject(pk="relation_id", name="relation__name"))
    )
    tasks = Task.objects.select_related("assignee").only(*LIST_FIELDS).annotate(linked_relations=linked_relations)
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
