"""Writes on support tasks and their links (the conversation: tasks.conversation)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.bulk_history import execute_with_history
from audit.updates import lock_for_update, model_update
from outbox.services import event_record
from relations.models import Relation
from tasks.models import Task, TaskLink
from tasks.sla import sla_on_create, sla_on_priority_change, sla_on_status_change
from tasks.tasks import notify_assignment_task, notify_status_change_task

if TYPE_CHECKING:
    from config.postgresql.base import DatabaseWrapper as TenantDatabaseWrapper


def task_create(
    *,
    actor,
    subject: str,
    description: str = "",
    priority: int = Task.Priority.NORMAL,
    assignee=None,
    team=None,
    reporter=None,
    relations: Iterable[Relation] = (),
) -> Task:
    with transaction.atomic():
        task = Task(
            subject=subject, description=description, priority=priority, assignee=assignee, team=team, reporter=reporter
        )
        sla_on_create(task, now=timezone.now())
        task.full_clean()
        task._history_user = actor
        task.save()
        for relation in relations:
            link = TaskLink(task=task, relation=relation, task_created_at=task.created_at)
            link._history_user = actor
            link.save()
        if task.assignee_id is not None:
            _announce_assignment(task)
        _record_task_event("task.created", task)
    return task


# What the task's edit form changes; its version counts changes to these (tasks.models).
TASK_FIELDS = ["subject", "description", "priority", "assignee", "team", "reporter"]


def task_update(*, task: Task, actor, data: dict, version: int | None = None, reason: str = "") -> Task:
    """Change subject, description, priority, assignee, team or reporter; a new priority moves
    the SLA due times (tasks.sla.sla_on_priority_change). `version` is the one the
    edit form was loaded at: a save that would overwrite a change made since is refused
    (audit.updates.StaleVersionError). `reason` goes on the history row (a bulk action's id,
    which tasks.timeline folds into one entry)."""
    with transaction.atomic():
        lock_for_update(task, version=version, fields=TASK_FIELDS, data=data)
        _set_reason(task, reason)
        changed = model_update(instance=task, fields=TASK_FIELDS, data=data, actor=actor)
        if "priority" in changed:
            Task.objects.filter(pk=task.pk).update(
                **{field: getattr(task, field) for field in sla_on_priority_change(task, now=timezone.now())}
            )
        if "assignee" in changed and task.assignee_id is not None:
            _announce_assignment(task)
        if changed:
            _record_task_event("task.updated", task, changed=changed)
    return task


def task_take(*, task: Task, actor, reason: str = "") -> Task:
    """ "Take" in one click: the task is assigned to the staff member asking."""
    return task_update(task=task, actor=actor, data={"assignee": actor}, reason=reason)


def _set_reason(instance, reason: str) -> None:
    # django-simple-history writes `_change_reason` into the next history row's change reason.
    if reason:
        instance._change_reason = reason


def _announce_assignment(task: Task) -> None:
    change_id = task.history.order_by("-history_id").values_list("history_id", flat=True).first()
    if change_id is None:
        return
    schema_name, task_id = cast("TenantDatabaseWrapper", connection).schema_name, task.pk
    # The new assignee hears of it after commit, from the worker, once (tasks.notifications.staff).
    transaction.on_commit(lambda: notify_assignment_task.delay(schema_name, task_id, change_id), robust=True)


def task_change_status(*, task: Task, status: str, actor, notify: bool = True, reason: str = "") -> Task:
    """Set the status; contacts whose preference asks are e-mailed after commit, unless the
    change comes with a public reply that tells them itself (`notify=False`)."""
    if status not in Task.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if task.status == status:
        return task
    with transaction.atomic():
        now, old_status = timezone.now(), task.status
        task.status = status
        task.closed_at = now if status == Task.Status.CLOSED else None
        sla_fields = sla_on_status_change(task, old_status=old_status, now=now)
        task._history_user = actor
        _set_reason(task, reason)
        task.save(update_fields=["status", "closed_at", "updated_at", *sla_fields])
        _record_task_event("task.closed" if status == Task.Status.CLOSED else "task.updated", task, changed=["status"])
        if notify:
            change_id = task.history.order_by("-history_id").values_list("history_id", flat=True).first()
            schema_name = cast("TenantDatabaseWrapper", connection).schema_name
            # E-mails go out after commit, from the worker, once per change (tasks/notifications.py).
            transaction.on_commit(lambda: notify_status_change_task.delay(schema_name, task.pk, change_id), robust=True)
    return task


def task_link_add(*, task: Task, relation: Relation, actor, reason: str = "") -> TaskLink:
    if TaskLink.objects.filter(task=task, relation=relation).exists():
        raise ValidationError(_("This task is already linked to %(relation)s.") % {"relation": relation.name})
    try:
        with transaction.atomic():
            link = TaskLink(task=task, relation=relation, task_created_at=task.created_at)
            link._history_user = actor
            _set_reason(link, reason)
            link.save()
    except IntegrityError:
        # Someone added the same link a moment ago: the constraint kept it single.
        raise ValidationError(_("This task is already linked to %(relation)s.") % {"relation": relation.name}) from None
    return link


def task_link_remove(*, link: TaskLink, actor, reason: str = "") -> None:
    with transaction.atomic():
        link._history_user = actor
        _set_reason(link, reason)
        link.delete()


def move_tasks(
    *, task_ids: Iterable[int], from_relation: Relation, to_relation: Relation, actor, reason: str = "move_tasks"
) -> int:
    """Move the links of the given tasks from one relation to another, in a fixed number of queries.

    A task linked to `from_relation` and to a third relation keeps the third link; a task
    already linked to `to_relation` loses its `from_relation` link and gets no duplicate.
    Tasks not linked to `from_relation` are left alone. Returns the number of tasks moved.
    """
    if from_relation.pk == to_relation.pk:
        raise ValidationError(_("Choose a different relation to move the tasks to."))
    ids = sorted({int(task_id) for task_id in task_ids})
    if not ids:
        return 0
    table = TaskLink._meta.db_table
    user_id = getattr(actor, "pk", None)
    # One id for every history row of this move, so timelines show it as one action
    # ("77 tasks moved") rather than one row per task (tasks.timeline).
    batch = f"{reason} {uuid.uuid4().hex}"
    # Plain SQL through audit.bulk_history: a relink moves every open task of a relation, 10,000
    # and more at production size, in a fixed number of statements (bench/relink.py).
    with transaction.atomic():
        # Links whose task is already on the target: drop them instead of duplicating.
        dropped = execute_with_history(
            TaskLink,
            dml=(
                f'DELETE FROM "{table}" AS link WHERE link.relation_id = %s AND link.task_id = ANY(%s::bigint[]) '
                f'AND EXISTS (SELECT 1 FROM "{table}" AS other WHERE other.task_id = link.task_id '
                f"AND other.relation_id = %s)"
            ),
            params=[from_relation.pk, ids, to_relation.pk],
            history_type="-",
            user_id=user_id,
            reason=batch,
        )
        moved = execute_with_history(
            TaskLink,
            dml=f'UPDATE "{table}" SET relation_id = %s WHERE relation_id = %s AND task_id = ANY(%s::bigint[])',
            params=[to_relation.pk, from_relation.pk, ids],
            history_type="~",
            user_id=user_id,
            reason=batch,
        )
    return len(dropped) + len(moved)


def _record_task_event(kind: str, task: Task, *, changed: Iterable[str] = ()) -> None:
    # For webhooks (outbox): ids and plain fields; never the description or the conversation.
    payload = {
        "task_id": task.pk,
        "code": str(task.code),
        "subject": task.subject,
        "status": task.status,
        "priority": task.priority,
        "assignee_id": task.assignee_id,
        "team_id": task.team_id,
        "reporter_id": task.reporter_id,
        "relation_ids": sorted(task.links.values_list("relation_id", flat=True)),
        "closed_at": task.closed_at,
        "changed": sorted(changed),
    }
    event_record(kind=kind, payload=payload)
