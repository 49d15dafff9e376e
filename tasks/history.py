"""The task page's history (changes to the task and its links, newest first), and the task
links and tasks of a relation on its History tab (relations.history)."""

from __future__ import annotations

from django.db.models import Count, Min, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from relations.history import Refs, Rendered, TimelineSource
from relations.models import Relation
from staff.history import HistoryEntry, author_label, batch_keys, history_entries, history_keys, render_records
from tasks.bulk import job_code_from_reason
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


# --- A relation's History tab (relations.history): its task links and its tasks ------------

TASK_FIELDS = ["subject", "status", "priority", "assignee", "team", "reporter"]
BATCH_LABELS = {
    "relink": _("Relink"),
    "move_tasks": _("Tasks moved"),
    "merge": _("Contact merge"),
    "out_of_service": _("Out-of-service handover"),
    "bulk_job": _("Bulk action"),
}


def _linked_task_ids(relation: Relation) -> Subquery:
    return Subquery(TaskLink.objects.filter(relation_id=relation.pk).order_by().values("task_id"))


def _relation_keys(relation: Relation, depth: int) -> list:
    """Single changes one key each; a relink, bulk move or bulk job one key per action."""
    links = TaskLink.history.filter(relation_id=relation.pk)
    tasks = Task.history.filter(id__in=_linked_task_ids(relation))
    return [
        history_keys(links, "task_link", depth=depth),
        batch_keys(links, "task_link_batch", depth=depth),
        # A task's creation is its link's ("Link of task 12 created"): the task's own rows are its
        # changes, a small part of its history table (index task_history_changes).
        history_keys(tasks.exclude(history_type="+"), "task", depth=depth),
        batch_keys(tasks, "task_batch", depth=depth),
    ]


def _task_label(record) -> str:
    return str(_("Task %(number)s: %(subject)s")) % {"number": record.id, "subject": record.subject}


def _relation_render(relation: Relation, refs: Refs) -> Rendered:
    rendered: Rendered = {}
    if refs.get("task"):
        entries = render_records(
            Task.history.model,
            refs["task"],
            _task_label,
            TASK_FIELDS,
            url=lambda r: reverse("tasks:detail", args=[r.id]),
        )
        rendered.update({("task", ref): entry for ref, entry in entries.items()})
    if refs.get("task_link"):
        entries = render_records(
            TaskLink.history.model,
            refs["task_link"],
            lambda r: str(_("Link of task %(number)s")) % {"number": r.task_id},
            ["relation"],
            url=lambda r: reverse("tasks:detail", args=[r.task_id]),
        )
        rendered.update({("task_link", ref): entry for ref, entry in entries.items()})
    for source, history, task_column in [
        ("task_link_batch", TaskLink.history.filter(relation_id=relation.pk), "task_id"),
        ("task_batch", Task.history.filter(id__in=_linked_task_ids(relation)), "id"),
    ]:
        if refs.get(source):
            for reason, entry in _batch_entries(relation, history, task_column, refs[source]).items():
                rendered[(source, reason)] = entry
    return rendered


def _batch_entries(relation: Relation, history, task_column: str, reasons: list[str]) -> dict[str, HistoryEntry]:
    """One entry per batch action: how many tasks, by whom, linked to the list of them. One
    aggregate query for all the page's batches."""
    rows = history.filter(history_change_reason__in=reasons).values(
        # One author per action: grouping by the author's columns splits nothing.
        "history_change_reason",
        "history_user__email",
        "history_user__username",
        "history_user__is_staff",
    )
    rows = rows.annotate(count=Count(task_column, distinct=True), first=Min("history_date"))
    entries = {}
    for row in rows:
        reason = row["history_change_reason"]
        kind = reason.split(" ", 1)[0]
        code = job_code_from_reason(reason)
        entries[reason] = HistoryEntry(
            when=row["first"],
            who=author_label(
                email=row["history_user__email"],
                username=row["history_user__username"],
                is_staff=row["history_user__is_staff"],
            ),
            what=str(_("%(action)s: %(count)d tasks"))
            % {"action": BATCH_LABELS.get(kind, _("Tasks moved")), "count": row["count"]},
            action=str(_("changed") if kind == "bulk_job" else _("moved")),
            changes=[],
            url=reverse("tasks:bulk_job", args=[code]) if code else reverse("tasks:relation_tab", args=[relation.pk]),
        )
    return entries


relation_task_link_history = TimelineSource(keys=_relation_keys, render=_relation_render)
