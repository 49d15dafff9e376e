"""The task page's history: changes to the task and to its links, newest first."""

from __future__ import annotations

from django.db.models import Subquery
from django.utils.translation import gettext_lazy as _

from relations.models import Relation
from staff.history import HistoryEntry, history_entries, record_author
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
    """A relation's task links on its History tab (relations.history): one entry per action.

    A relink or bulk move writes one history row per task with a shared batch reason
    (tasks.services.move_tasks); those become one entry ("77 tasks moved: A → B") instead of
    77 rows. A change to one link stays an entry of its own.
    """
    link_records = list(
        TaskLink.history.filter(id__in=Subquery(TaskLink.history.filter(relation_id=relation.pk).values("id")))
        .select_related("history_user")
        .order_by("-history_date")[: limit * 20]
    )
    names = _relation_names(link_records)
    singles = []
    batches: dict[str, list] = {}
    for record in link_records:
        reason = record.history_change_reason or ""
        if " " in reason:
            batches.setdefault(reason, []).append(record)
        else:
            singles.append(record)
    entries = history_entries(
        singles,
        lambda r: (
            str(_("Task link #%(task)s → %(relation)s")) % {"task": r.task_id, "relation": names.get(r.relation_id)}
        ),
        ["relation_id"],
        display=lambda _name, value: names.get(value, str(value)),
    )
    for reason, records in batches.items():
        entries.append(_batch_entry(reason, records, names))
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]


def _batch_entry(reason: str, records: list, names: dict[int, str]) -> HistoryEntry:
    first = min(records, key=lambda record: record.history_date)
    tasks = {record.task_id for record in records}
    moved_to = {record.relation_id for record in records if record.history_type == "~"}
    kind = reason.split(" ", 1)[0]
    label = {
        "relink": _("Relink"),
        "move_tasks": _("Tasks moved"),
        "merge": _("Contact merge"),
        "out_of_service": _("Out-of-service handover"),
        "bulk_job": _("Bulk action"),
    }.get(kind, _("Tasks moved"))
    what = str(_("%(action)s: %(count)d tasks")) % {"action": label, "count": len(tasks)}
    targets = ", ".join(sorted(names.get(pk, str(pk)) for pk in moved_to))
    return HistoryEntry(
        when=first.history_date,
        who=record_author(first),
        what=what,
        action=str(_("changed") if kind == "bulk_job" else _("moved")),
        changes=[(str(_("to")), "", targets)] if targets else [],
    )
