"""One timeline per task: the conversation and everything that happened to the task, in order.

Staff see all of it: public replies, internal notes, held e-mails, status, assignment and
priority changes, link changes (a relink or bulk move says so), e-mails in and out. A customer
sees the public part only: the task's creation, its status changes and public replies, read
through tasks.selectors.public_messages like every customer-facing surface.

Built from a fixed number of queries whatever the task's length (each source is one query,
capped), so a task with a long history costs no more statements than a short one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from relations.models import Relation
from tasks.bulk import job_code_from_reason
from tasks.models import BulkJob, Task, TaskAttachment, TaskEmail, TaskLink, TaskMessage
from tasks.selectors import public_messages

# Per source: enough for any real task; a runaway one shows its latest entries.
MAX_PER_SOURCE = 500
BULK_REASONS = {"move_tasks": "bulk", "relink": "relink", "merge": "merge", "out_of_service": "out_of_service"}


@dataclass
class TimelineEntry:
    when: datetime
    # reply, note, held, created, change, link, email_in, email_out, bulk
    kind: str
    who: str
    # Short sentences: "Status: Waiting → Open", "Linked to Jansen B.V.".
    lines: list[str] = field(default_factory=list)
    message: TaskMessage | None = None
    attachments: list[TaskAttachment] = field(default_factory=list)
    # A change written by a bulk action: its history rows' change reason ("bulk_job <code>"),
    # until task_timeline folds them into one entry of kind "bulk" with the job.
    reason: str = ""
    bulk_job: BulkJob | None = None

    @property
    def is_internal(self) -> bool:
        return self.kind in {"note", "held", "email_in", "email_out", "link"}


def _user_label(user) -> str:
    if user is None:
        return _("system")
    full_name = " ".join(part for part in [user.first_name, user.last_name] if part)
    return full_name or user.email or user.get_username()


def message_author(message: TaskMessage) -> str:
    if message.author_contact is not None:
        return message.author_contact.full_name
    if message.author is not None:
        return _user_label(message.author)
    return message.author_label or _("unknown sender")


def _message_entries(messages) -> list[TimelineEntry]:
    entries = []
    for message in messages:
        kind = "held" if message.held_for_review else message.kind
        entries.append(
            TimelineEntry(
                when=message.created_at,
                kind=kind,
                who=message_author(message),
                message=message,
                attachments=list(message.attachments.all()),
            )
        )
    return entries


def _task_changes(task: Task, *, for_customer: bool) -> list[TimelineEntry]:
    records = list(
        Task.history.filter(id=task.pk)
        .select_related("history_user", "assignee", "team")
        .order_by("history_date", "history_id")[:MAX_PER_SOURCE]
    )
    statuses = dict(Task.Status.choices)
    priorities = dict(Task.Priority.choices)
    entries = []
    previous = None
    for record in records:
        if record.history_type == "+":
            entries.append(
                TimelineEntry(when=record.history_date, kind="created", who=_user_label(record.history_user))
            )
            entries[-1].lines.append(_("Task created"))
        elif previous is not None:
            lines = []
            if record.status != previous.status:
                lines.append(
                    _("Status: %(old)s → %(new)s")
                    % {"old": statuses.get(previous.status, previous.status), "new": statuses.get(record.status)}
                )
            if not for_customer:
                if record.assignee_id != previous.assignee_id:
                    lines.append(
                        _("Assigned to %(name)s") % {"name": _user_label(record.assignee)}
                        if record.assignee_id
                        else _("No longer assigned")
                    )
                if record.team_id != previous.team_id:
                    lines.append(
                        _("Team: %(name)s") % {"name": record.team.name}
                        if record.team is not None
                        else _("No longer with a team")
                    )
                if record.priority != previous.priority:
                    lines.append(
                        _("Priority: %(old)s → %(new)s")
                        % {"old": priorities.get(previous.priority), "new": priorities.get(record.priority)}
                    )
                if record.subject != previous.subject:
                    lines.append(_("Subject: %(old)s → %(new)s") % {"old": previous.subject, "new": record.subject})
            if lines:
                who = _user_label(record.history_user) if not for_customer or record.history_user else _("Support")
                entries.append(
                    TimelineEntry(
                        when=record.history_date,
                        kind="change",
                        who=who,
                        lines=lines,
                        reason=record.history_change_reason or "",
                    )
                )
        previous = record
    return entries


def _bulk_kind(reason: str | None) -> str | None:
    return BULK_REASONS.get((reason or "").split(" ", 1)[0])


def _link_entries(task: Task) -> list[TimelineEntry]:
    records = list(
        TaskLink.history.filter(task_id=task.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")[:MAX_PER_SOURCE]
    )
    names = dict(Relation.objects.filter(pk__in={r.relation_id for r in records}).values_list("pk", "name"))
    previous_relation: dict[int, int] = {}
    entries = []
    for record in records:
        name = names.get(record.relation_id, f"#{record.relation_id}")
        if record.history_type == "+":
            line = _("Linked to %(relation)s") % {"relation": name}
        elif record.history_type == "-":
            line = _("Link to %(relation)s removed") % {"relation": name}
        else:
            old = names.get(previous_relation.get(record.id, 0), "?")
            line = _("Moved from %(old)s to %(new)s") % {"old": old, "new": name}
        bulk = _bulk_kind(record.history_change_reason)
        if bulk == "relink":
            line = _("%(change)s (relink)") % {"change": line}
        elif bulk == "bulk":
            line = _("%(change)s (moved with other tasks)") % {"change": line}
        elif bulk in {"merge", "out_of_service"}:
            line = _("%(change)s (contact handover)") % {"change": line}
        previous_relation[record.id] = record.relation_id
        entries.append(
            TimelineEntry(
                when=record.history_date,
                kind="link",
                who=_user_label(record.history_user),
                lines=[line],
                reason=record.history_change_reason or "",
            )
        )
    return entries


def _bulk_phrase(job: BulkJob) -> str:
    phrases: dict[str, str] = {
        BulkJob.Action.ASSIGN: _("assigned"),
        BulkJob.Action.STATUS: _("status changed"),
        BulkJob.Action.PRIORITY: _("priority changed"),
        BulkJob.Action.LINK: _("relation linked"),
        BulkJob.Action.UNLINK: _("relation link removed"),
        BulkJob.Action.CLOSE: _("closed with a reply"),
    }
    return phrases.get(job.action, job.get_action_display())


def _fold_bulk_jobs(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """The changes and link changes one bulk action made (tasks.bulk) as one entry: "Bulk action
    by X: closed with a reply", its changes as lines, linking to the job's result. Messages
    are never folded: a bulk reply stays the reply the customer saw. One query, for the jobs."""
    groups: dict[uuid.UUID, list[TimelineEntry]] = {}
    rest = []
    for entry in entries:
        code = job_code_from_reason(entry.reason) if entry.kind in {"change", "link"} else None
        if code is None:
            rest.append(entry)
        else:
            groups.setdefault(code, []).append(entry)
    if not groups:
        return entries
    jobs = {job.code: job for job in BulkJob.objects.filter(code__in=list(groups)).select_related("actor")}
    for job_code, folded in groups.items():
        job = jobs.get(job_code)
        first = min(folded, key=lambda entry: entry.when)
        who = _user_label(job.actor) if job is not None else first.who
        headline = (
            _("Bulk action by %(name)s: %(action)s") % {"name": who, "action": _bulk_phrase(job)}
            if job is not None
            else _("Bulk action by %(name)s") % {"name": who}
        )
        lines = [headline] + [line for entry in sorted(folded, key=lambda entry: entry.when) for line in entry.lines]
        rest.append(TimelineEntry(when=first.when, kind="bulk", who=who, lines=lines, bulk_job=job))
    return rest


def _email_entries(task: Task) -> list[TimelineEntry]:
    entries = []
    for email in TaskEmail.objects.filter(task=task).order_by("created_at", "pk")[:MAX_PER_SOURCE]:
        if email.direction == TaskEmail.Direction.OUT:
            entries.append(
                TimelineEntry(
                    when=email.created_at,
                    kind="email_out",
                    who=_("system"),
                    lines=[_("E-mail sent to %(address)s") % {"address": email.address}],
                )
            )
        else:
            entries.append(
                TimelineEntry(
                    when=email.created_at,
                    kind="email_in",
                    who=email.address,
                    lines=[_("E-mail received from %(address)s") % {"address": email.address}],
                )
            )
    return entries


def task_timeline(task: Task, *, for_customer: bool = False) -> list[TimelineEntry]:
    """The task's timeline, oldest first. `for_customer`: only what a customer may see."""
    if for_customer:
        entries = _message_entries(public_messages(task)) + _task_changes(task, for_customer=True)
    else:
        messages = (
            task.messages.select_related("author", "author_contact", "published_by")
            .prefetch_related("attachments")
            .order_by("created_at", "pk")[:MAX_PER_SOURCE]
        )
        entries = (
            _message_entries(messages)
            + _fold_bulk_jobs(_task_changes(task, for_customer=False) + _link_entries(task))
            + _email_entries(task)
        )
    entries.sort(key=lambda entry: entry.when)
    return entries
