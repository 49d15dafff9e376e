"""The task page's history: changes to the task and to its links, newest first."""

from __future__ import annotations

from django.db.models import Subquery
from django.utils.translation import gettext_lazy as _

from relations.models import Relation
from staff.history import HistoryEntry, history_entries
from tasks.models import Task, TaskLink

MAX_ENTRIES = 100


def _relation_names(link_records) -> dict[int, str]:
    """The names of the relations these task-link history records point at (removed links too)."""
    return dict(Relation.objects.filter(pk__in={r.relation_id for r in link_records}).values_list("pk", "name"))


def task_history(task: Task) -> list[HistoryEntry]:
    entries = history_entries(
        Task.history.filter(id=task.pk).select_related("history_user").order_by("-history_date")[:MAX_ENTRIES],
        lambda r: str(_("Task")),
        ["subject", "description", "status", "priority", "assignee_id"],
    )
    link_records = list(
        TaskLink.history.filter(task_id=task.pk).select_related("history_user").order_by("-history_date")[:MAX_ENTRIES]
    )
    names = _relation_names(link_records)
    entries += history_entries(
        link_records,
        lambda r: str(_("Link to %(relation)s")) % {"relation": names.get(r.relation_id, r.relation_id)},
        ["relation_id"],
        display=lambda _name, value: names.get(value, str(value)),
    )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:MAX_ENTRIES]


def relation_task_link_history(relation: Relation, limit: int) -> list[HistoryEntry]:
    """A relation's task links on its History tab (relations.history)."""
    link_records = list(
        TaskLink.history.filter(id__in=Subquery(TaskLink.history.filter(relation_id=relation.pk).values("id")))
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    )
    names = _relation_names(link_records)
    return history_entries(
        link_records,
        lambda r: (
            str(_("Task link #%(task)s → %(relation)s")) % {"task": r.task_id, "relation": names.get(r.relation_id)}
        ),
        ["relation_id"],
        display=lambda _name, value: names.get(value, str(value)),
    )
