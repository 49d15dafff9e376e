"""Bulk actions on any selection of tasks: assign, status, priority, link, unlink, close with a reply.

`start_bulk_action` checks the action's parameters, records a BulkJob with one BulkJobItem per
task, and runs it at once for a small selection or hands it to the worker after commit.
`run_bulk_job` takes every task through the same services a single change uses (so the same
rules, notifications and SLA bookkeeping hold) in chunks of CHUNK_SIZE, one transaction each:
the progress bar moves per chunk, a crash keeps what was done and leaves the rest pending, and
running the job again continues with the pending items only.

Every history row a job writes carries `bulk_job <code>` as its change reason, so the task's
timeline shows the job as one entry (tasks.timeline).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from relations.models import Relation
from staff.models import Team
from staff.teams import active_staff
from staff.ui import error_text, parse_id
from tasks import conversation, services
from tasks.models import BulkJob, BulkJobItem, Task, TaskLink, TaskMessage
from tasks.tasks import run_bulk_job_task

if TYPE_CHECKING:
    from config.postgresql.base import DatabaseWrapper as TenantDatabaseWrapper

logger = logging.getLogger(__name__)

MAX_BULK_TASKS = 5000
# Up to this many tasks the job runs during the request; more go to the worker.
RUN_NOW_LIMIT = 200
# Tasks per transaction: the progress bar moves and a crash loses at most this much work.
CHUNK_SIZE = 100
# The change reason of every history row a job writes: "bulk_job <code>" (tasks.timeline).
BULK_REASON = "bulk_job"
# The assign action's "no assignee" / "no team".
NOBODY = "nobody"
MESSAGE_LENGTH = BulkJobItem._meta.get_field("message").max_length or 300


def bulk_reason(job: BulkJob) -> str:
    return f"{BULK_REASON} {job.code}"


def job_code_from_reason(reason: str | None) -> uuid.UUID | None:
    """The job a history row's change reason names, or None for any other reason."""
    kind, _space, code = (reason or "").partition(" ")
    if kind != BULK_REASON:
        return None
    try:
        return uuid.UUID(code)
    except ValueError:
        return None


def _clean_assign(params: dict) -> dict:
    cleaned: dict = {}
    assignee = params.get("assignee")
    if assignee not in (None, ""):
        if assignee == NOBODY:
            cleaned["assignee"] = NOBODY
        else:
            user_id = parse_id(str(assignee))
            if user_id is None or not active_staff().filter(pk=user_id).exists():
                raise ValidationError({"assignee": _("Choose an active staff member to assign the tasks to.")})
            cleaned["assignee"] = user_id
    team = params.get("team")
    if team not in (None, ""):
        if team == NOBODY:
            cleaned["team"] = NOBODY
        else:
            team_id = parse_id(str(team))
            if team_id is None or not Team.objects.filter(pk=team_id).exists():
                raise ValidationError({"team": _("That team does not exist (any more).")})
            cleaned["team"] = team_id
    if not cleaned:
        raise ValidationError({"assignee": _("Choose whom to assign the tasks to: a staff member, nobody, or a team.")})
    return cleaned


def clean_params(action: str, params: dict) -> dict:
    """The parameters `action` needs, checked; those it does not need are dropped."""
    if action not in BulkJob.Action.values:
        raise ValidationError({"action": _("Choose what to do with the selected tasks.")})
    if action == BulkJob.Action.ASSIGN:
        return _clean_assign(params)
    if action == BulkJob.Action.STATUS:
        status = params.get("status")
        if not status:
            raise ValidationError({"status": _("Choose the status to set.")})
        if status not in Task.Status.values:
            raise ValidationError({"status": _("Unknown status.")})
        return {"status": status}
    if action == BulkJob.Action.PRIORITY:
        priority = params.get("priority")
        if priority in (None, ""):
            raise ValidationError({"priority": _("Choose the priority to set.")})
        number = parse_id(str(priority))
        if number is None or number not in Task.Priority.values:
            raise ValidationError({"priority": _("Unknown priority.")})
        return {"priority": number}
    if action in (BulkJob.Action.LINK, BulkJob.Action.UNLINK):
        relation_id = parse_id(str(params.get("relation") or ""))
        if relation_id is None:
            raise ValidationError({"relation": _("Choose the relation.")})
        if not Relation.objects.filter(pk=relation_id).exists():
            raise ValidationError({"relation": _("That relation does not exist (any more).")})
        return {"relation": relation_id}
    body = (params.get("body") or "").replace("\x00", "").strip()
    if not body:
        raise ValidationError({"body": _("Write the public reply the customers receive with the closing.")})
    if len(body) > conversation.MAX_MESSAGE_LENGTH:
        raise ValidationError(
            {
                "body": _("A message has at most %(count)s characters.")
                % {"count": f"{conversation.MAX_MESSAGE_LENGTH:,}"}
            }
        )
    return {"body": body}


def start_bulk_action(*, actor, action: str, params: dict, task_ids) -> BulkJob:
    """Record the job and run it now (at most RUN_NOW_LIMIT tasks) or queue it after commit.

    Ids of tasks that do not exist in this schema (deleted, or another contractant's) get no
    item; the job keeps how many there were (`params["not_found"]`) and its page says so.
    """
    cleaned = clean_params(action, params)
    ids = list(dict.fromkeys(number for number in (parse_id(str(value)) for value in task_ids) if number is not None))
    if not ids:
        raise ValidationError(_("Select at least one task."))
    if len(ids) > MAX_BULK_TASKS:
        raise ValidationError(
            _("A bulk action takes at most %(max)s tasks at a time; narrow the selection or the filters.")
            % {"max": f"{MAX_BULK_TASKS:,}"}
        )
    with transaction.atomic():
        existing = set(Task.objects.filter(pk__in=ids).values_list("pk", flat=True))
        found = [number for number in ids if number in existing]
        if len(found) < len(ids):
            cleaned["not_found"] = len(ids) - len(found)
        job = BulkJob.objects.create(actor=actor, action=action, params=cleaned, total=len(found))
        BulkJobItem.objects.bulk_create([BulkJobItem(job=job, task_id=number) for number in found])
        if len(found) > RUN_NOW_LIMIT:
            schema_name, job_id = cast("TenantDatabaseWrapper", connection).schema_name, job.pk
            transaction.on_commit(lambda: run_bulk_job_task.delay(schema_name, job_id), robust=True)
            return job
    return run_bulk_job(job)


@dataclass(frozen=True)
class _Targets:
    """What a job's parameters name, read once per run."""

    assignee: object | None = None
    team: Team | None = None
    relation: Relation | None = None


def _targets(job: BulkJob) -> _Targets:
    params = job.params
    assignee = params.get("assignee")
    team = params.get("team")
    return _Targets(
        assignee=active_staff().filter(pk=assignee).first() if isinstance(assignee, int) else None,
        team=Team.objects.filter(pk=team).first() if isinstance(team, int) else None,
        relation=Relation.objects.filter(pk=params["relation"]).first() if "relation" in params else None,
    )


class _Unchanged(Exception):
    """The task is already as the action would make it."""


def _check_targets(job: BulkJob, targets: _Targets) -> None:
    """A staff member, team or relation removed since the job started refuses every task."""
    params = job.params
    if isinstance(params.get("assignee"), int) and targets.assignee is None:
        raise ValidationError(_("The staff member to assign to is no longer active."))
    if isinstance(params.get("team"), int) and targets.team is None:
        raise ValidationError(_("That team does not exist (any more)."))
    if "relation" in params and targets.relation is None:
        raise ValidationError(_("That relation does not exist (any more)."))


def _apply(job: BulkJob, task: Task, targets: _Targets) -> None:
    """One task through the services; _Unchanged when there is nothing to do, a ValidationError
    when a rule refuses it."""
    _check_targets(job, targets)
    actor, reason, params = job.actor, bulk_reason(job), job.params
    if job.action == BulkJob.Action.ASSIGN:
        data: dict = {}
        if "assignee" in params:
            data["assignee"] = targets.assignee
        if "team" in params:
            data["team"] = targets.team
        if all(getattr(task, f"{name}_id") == getattr(value, "pk", None) for name, value in data.items()):
            raise _Unchanged
        services.task_update(task=task, actor=actor, data=data, reason=reason)
    elif job.action == BulkJob.Action.STATUS:
        if task.status == params["status"]:
            raise _Unchanged
        services.task_change_status(task=task, status=params["status"], actor=actor, reason=reason)
    elif job.action == BulkJob.Action.PRIORITY:
        if task.priority == params["priority"]:
            raise _Unchanged
        services.task_update(task=task, actor=actor, data={"priority": params["priority"]}, reason=reason)
    elif job.action == BulkJob.Action.LINK:
        assert targets.relation is not None
        if TaskLink.objects.filter(task=task, relation=targets.relation).exists():
            raise _Unchanged
        services.task_link_add(task=task, relation=targets.relation, actor=actor, reason=reason)
    elif job.action == BulkJob.Action.UNLINK:
        link = TaskLink.objects.filter(task=task, relation=targets.relation).select_related("relation").first()
        if link is None:
            raise _Unchanged
        services.task_link_remove(link=link, actor=actor, reason=reason)
    else:
        _close_with_reply(task, job)


def _close_with_reply(task: Task, job: BulkJob) -> None:
    """The reply is a public reply like any other (portal, e-mail); the closing, and taking a
    task nobody had, carry the job's reason. The reply's own e-mail tells the customer."""
    if task.status == Task.Status.CLOSED:
        raise _Unchanged
    actor, reason = job.actor, bulk_reason(job)
    conversation.post_staff_message(task=task, body=job.params["body"], kind=TaskMessage.Kind.REPLY, actor=actor)
    task.refresh_from_db()
    if task.assignee_id is None and actor is not None:
        services.task_take(task=task, actor=actor, reason=reason)
    services.task_change_status(task=task, status=Task.Status.CLOSED, actor=actor, notify=False, reason=reason)


def _run_chunk(job: BulkJob, targets: _Targets) -> int:
    """The next CHUNK_SIZE pending items, in one transaction; how many were done (0: none left).
    Items another worker holds are skipped (skip_locked), so two runs never do one task twice."""
    with transaction.atomic():
        items = list(
            BulkJobItem.objects.select_for_update(skip_locked=True)
            .filter(job=job, outcome=BulkJobItem.Outcome.PENDING)
            .order_by("task_id")[:CHUNK_SIZE]
        )
        if not items:
            return 0
        tasks = Task.objects.in_bulk([item.task_id for item in items])
        for item in items:
            try:
                with transaction.atomic():
                    _apply(job, tasks[item.task_id], targets)
            except _Unchanged:
                item.outcome, item.message = BulkJobItem.Outcome.UNCHANGED, ""
            except ValidationError as exc:
                item.outcome, item.message = BulkJobItem.Outcome.REFUSED, error_text(exc)[:MESSAGE_LENGTH]
            else:
                item.outcome, item.message = BulkJobItem.Outcome.CHANGED, ""
        BulkJobItem.objects.bulk_update(items, ["outcome", "message"])
        BulkJob.objects.filter(pk=job.pk).update(done=F("done") + len(items))
    return len(items)


def run_bulk_job(job: BulkJob) -> BulkJob:
    """Process the job's pending items; idempotent (a finished job has none left). A crash marks
    the job failed: what was done stays, the rest stays pending for a run again."""
    job = BulkJob.objects.select_related("actor").get(pk=job.pk)
    BulkJob.objects.filter(pk=job.pk).update(state=BulkJob.State.RUNNING, finished_at=None)
    try:
        targets = _targets(job)
        while _run_chunk(job, targets):
            pass
    except Exception:
        logger.exception("bulk job %s failed", job.code)
        BulkJob.objects.filter(pk=job.pk).update(state=BulkJob.State.FAILED, finished_at=timezone.now())
    else:
        BulkJob.objects.filter(pk=job.pk).update(state=BulkJob.State.DONE, finished_at=timezone.now())
    job.refresh_from_db()
    return job
