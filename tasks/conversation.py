"""The conversation on a task: staff replies and notes, customer replies, held messages.

One module for every way a message arrives (staff page, portal, e-mail, API), so the helpdesk
cycle is the same everywhere: a staff reply can wait for the customer; a customer reply
reopens the task (or, long after closing, starts a linked follow-up) and tells the assignee.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import Contact
from tasks.attachments import store_attachments
from tasks.models import DeskSettings, Task, TaskLink, TaskMessage
from tasks.notifications.staff import notify_mentions
from tasks.selectors import desk_settings
from tasks.services import task_change_status
from tasks.sla import record_first_response, sla_on_create
from tasks.tasks import notify_customer_reply_task, notify_public_reply_task

if TYPE_CHECKING:
    from config.postgresql.base import DatabaseWrapper as TenantDatabaseWrapper

MAX_MESSAGE_LENGTH = 20_000
# What a staff member may set together with a public reply or a note.
STATUSES_WITH_A_MESSAGE = (Task.Status.OPEN, Task.Status.WAITING, Task.Status.CLOSED)


def _schema() -> str:
    return cast("TenantDatabaseWrapper", connection).schema_name


def _clean_body(body: str, *, files: Sequence[UploadedFile] = ()) -> str:
    body = (body or "").replace("\x00", "").strip()
    if not body and not files:
        raise ValidationError({"body": _("Write a message first.")})
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ValidationError(
            {"body": _("A message has at most %(count)s characters.") % {"count": f"{MAX_MESSAGE_LENGTH:,}"}}
        )
    return body


def _touch(task: Task) -> None:
    # "Updated" on lists follows the conversation, not only edits of the task's fields.
    Task.objects.filter(pk=task.pk).update(updated_at=timezone.now())


def post_staff_message(
    *,
    task: Task,
    body: str,
    kind: str,
    actor,
    set_status: str | None = None,
    files: Sequence[UploadedFile] = (),
) -> TaskMessage:
    """A staff member's public reply or internal note, chosen explicitly (`kind`).

    A public reply is e-mailed to the contacts whose preference asks for it, by the worker
    after commit; a note never leaves the staff pages. `set_status` changes the status in the
    same transaction (a reply that waits for the customer, a note that closes); the customer
    then hears of it in the reply's own e-mail, not in a second one.
    """
    if kind not in TaskMessage.Kind.values:
        raise ValidationError({"kind": _("Choose public reply or internal note.")})
    if set_status and set_status not in STATUSES_WITH_A_MESSAGE:
        raise ValidationError({"set_status": _("Unknown status.")})
    body = _clean_body(body, files=files)
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        message = TaskMessage(task=task, kind=kind, channel=TaskMessage.Channel.STAFF, author=actor, body=body)
        message.full_clean()
        message.save()
        store_attachments(task=task, message=message, files=files, user=actor)
        if set_status and set_status != task.status:
            task_change_status(task=task, status=set_status, actor=actor, notify=kind != TaskMessage.Kind.REPLY)
        _touch(task)
        if kind == TaskMessage.Kind.NOTE:
            notify_mentions(message=message, actor=actor)  # `@name` in a note: under the bell
        if kind == TaskMessage.Kind.REPLY:
            record_first_response(task, now=message.created_at)
            schema_name, message_id = _schema(), message.pk
            transaction.on_commit(lambda: notify_public_reply_task.delay(schema_name, message_id), robust=True)
    return message


def _reopens(task: Task, now: datetime.datetime) -> bool:
    window = datetime.timedelta(days=desk_settings().reopen_window_days)
    return task.closed_at is not None and now - task.closed_at <= window


def _follow_up(task: Task, *, contact: Contact | None, actor) -> Task:
    """A new task for a reply that came too long after closing, linked to the old one and to
    its relations, so the conversation continues without reopening history."""
    follow_up = Task(
        subject=_follow_up_subject(task),
        priority=task.priority,
        assignee=task.assignee,
        reporter=contact or task.reporter,
        follow_up_of=task,
    )
    sla_on_create(follow_up, now=timezone.now())
    follow_up.full_clean()
    follow_up._history_user = actor
    follow_up.save()
    for relation_id in task.links.values_list("relation_id", flat=True):
        link = TaskLink(task=follow_up, relation_id=relation_id, task_created_at=follow_up.created_at)
        link._history_user = actor
        link.save()
    return follow_up


def _follow_up_subject(task: Task) -> str:
    return (_("Follow-up: %(subject)s") % {"subject": task.subject})[:200]


def post_customer_reply(
    *,
    task: Task,
    body: str,
    contact: Contact | None,
    channel: str,
    actor=None,
    files: Sequence[UploadedFile] = (),
    email_message_id: str = "",
    author_label: str = "",
) -> TaskMessage:
    """A customer's reply, from the portal or by e-mail: always public.

    Waiting for the customer (or new): the task opens. Closed within the desk's reopen window:
    it reopens; closed longer: the reply starts a follow-up task linked to this one. The
    assignee (or, when nobody is, the staff) is told after commit. The message returned
    belongs to the task it landed on (`message.task`). A second delivery of one e-mail
    (same Message-ID) returns the message the first one made.
    """
    if channel not in (TaskMessage.Channel.PORTAL, TaskMessage.Channel.EMAIL):
        raise ValidationError(_("A customer writes through the portal or by e-mail."))
    body = _clean_body(body, files=files)
    now = timezone.now()
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        if email_message_id:
            # On this task, or on the follow-up a first delivery started.
            earlier = TaskMessage.objects.filter(
                Q(task=task) | Q(task__follow_up_of=task), email_message_id=email_message_id
            ).first()
            if earlier is not None:
                return earlier
        if task.status == Task.Status.CLOSED and not _reopens(task, now):
            task = _follow_up(task, contact=contact, actor=actor)
        elif task.status != Task.Status.OPEN:
            task_change_status(task=task, status=Task.Status.OPEN, actor=actor, notify=False)
        message = TaskMessage(
            task=task,
            kind=TaskMessage.Kind.REPLY,
            channel=channel,
            author=actor,
            author_contact=contact,
            author_label=(author_label or (contact.full_name if contact else ""))[:200],
            body=body,
            email_message_id=email_message_id[:998],
        )
        message.full_clean()
        message.save()
        store_attachments(task=task, message=message, files=files, user=actor, contact=contact)
        _touch(task)
        schema_name, message_id = _schema(), message.pk
        transaction.on_commit(lambda: notify_customer_reply_task.delay(schema_name, message_id), robust=True)
    return message


def hold_message_for_review(
    *,
    task: Task,
    body: str,
    sender: str,
    files: Sequence[UploadedFile] = (),
    email_message_id: str = "",
) -> TaskMessage:
    """A reply by e-mail from an address that is no contact of the task's relations: kept as
    an internal note, marked held, until staff publish it. Nothing else changes, nobody is
    e-mailed: a forged reply must neither reach the customer nor reopen the task."""
    body = _clean_body(body, files=files)
    with transaction.atomic():
        if email_message_id:
            earlier = TaskMessage.objects.filter(task=task, email_message_id=email_message_id).first()
            if earlier is not None:
                return earlier
        message = TaskMessage(
            task=task,
            kind=TaskMessage.Kind.NOTE,
            channel=TaskMessage.Channel.EMAIL,
            author_label=sender[:200],
            body=body,
            held_for_review=True,
            email_message_id=email_message_id[:998],
        )
        message.full_clean()
        message.save()
        store_attachments(task=task, message=message, files=files)
    return message


def publish_held_message(*, message: TaskMessage, actor) -> TaskMessage:
    """Staff judged a held e-mail genuine: it becomes a public reply (its files too)."""
    with transaction.atomic():
        message = TaskMessage.objects.select_for_update().get(pk=message.pk)
        if not message.held_for_review:
            raise ValidationError(_("This message is not held for review."))
        message.kind = TaskMessage.Kind.REPLY
        message.held_for_review = False
        message.published_at = timezone.now()
        message.published_by = actor
        message.save(update_fields=["kind", "held_for_review", "published_at", "published_by"])
        _touch(message.task)
    return message


DESK_SETTING_FIELDS = ["default_message_kind", "reopen_window_days", "support_address_local_part"]


def update_desk_settings(*, data: dict, actor) -> DeskSettings:
    """Save this contractant's desk rules (one row, created on first save)."""
    with transaction.atomic():
        settings_row = DeskSettings.objects.select_for_update().order_by("pk").first() or DeskSettings()
        for name in DESK_SETTING_FIELDS:
            if name in data:
                setattr(settings_row, name, data[name])
        settings_row.full_clean()
        settings_row.save()
    return settings_row
