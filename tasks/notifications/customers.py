"""E-mails to the customer's contacts: a staff member's public reply, a status change.

Only public replies ever reach these e-mails, read through tasks.selectors.public_messages
(the one filter every customer-facing surface uses): an internal note, or a held e-mail, can
be neither the reply sent nor part of the history quoted under it.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db.models import Q

from staff.mail import Attachment
from tasks.models import Task, TaskAttachment, TaskMessage
from tasks.notifications.mail import TaskMailer
from tasks.notifications.recipients import Recipient, contact_recipients, portal_task_path
from tasks.selectors import public_messages
from tenants.models import current_contractant
from tenants.urls_for import contractant_base_url

logger = logging.getLogger(__name__)

# Earlier public replies quoted under a reply, newest first: enough to answer from the e-mail.
QUOTED_MESSAGES = 3


def author_name(message: TaskMessage) -> str:
    if message.author_contact is not None:
        return message.author_contact.full_name
    if message.author is not None:
        full_name = " ".join(part for part in [message.author.first_name, message.author.last_name] if part)
        if full_name:
            return full_name
    return message.author_label


def reply_closes_task(task: Task, message: TaskMessage) -> bool:
    """Whether this reply closed the task: it is closed, and was closed with the reply or after
    it (post_staff_message saves the reply first, then the status). A reply to a task closed
    before it, or reopened since, does not count."""
    return task.status == Task.Status.CLOSED and task.closed_at is not None and task.closed_at >= message.created_at


def _files(message: TaskMessage) -> tuple[list[TaskAttachment], list[Attachment]]:
    """The reply's files, and their contents when they fit in one e-mail
    (settings.TASK_EMAIL_ATTACHMENTS_MAX_BYTES, all together); otherwise the e-mail names them
    and links to the portal, where each is a download."""
    files = [attachment for attachment in message.attachments.all() if not attachment.is_internal]
    if not files or sum(attachment.size for attachment in files) > settings.TASK_EMAIL_ATTACHMENTS_MAX_BYTES:
        return files, []
    contents = []
    for attachment in files:
        try:
            with attachment.file.open("rb") as stored:
                contents.append((attachment.name, stored.read(), attachment.content_type))
        except OSError:
            # A file the storage cannot give now: the e-mail still goes, with the portal link.
            logger.warning("attachment %s of message %s unreadable; linked instead", attachment.pk, message.pk)
            return files, []
    return files, contents


def _earlier_replies(task: Task, message: TaskMessage) -> list[TaskMessage]:
    earlier = public_messages(task).filter(
        Q(created_at__lt=message.created_at) | Q(created_at=message.created_at, pk__lt=message.pk)
    )
    return list(earlier.order_by("-created_at", "-pk")[:QUOTED_MESSAGES])


def _portal_url(base_url: str, task: Task, recipient: Recipient) -> str | None:
    path = portal_task_path(task, recipient.portal_relation_code)
    return f"{base_url}{path}" if path else None


def notify_public_reply(*, message_id: int) -> int:
    """E-mail a staff member's public reply to the contacts whose preference matches (a reply
    is a change; `on_close` contacts get it when it closes the task), once each; safe to run again."""
    task = Task.objects.filter(messages__pk=message_id).first()
    if task is None:
        return 0
    message = public_messages(task).filter(pk=message_id, channel=TaskMessage.Channel.STAFF).first()
    if message is None:
        return 0  # a note, a held e-mail, a customer's own reply: nothing for the customer's mailbox
    closes = reply_closes_task(task, message)
    recipients = contact_recipients(task, closes=closes)
    if not recipients:
        return 0
    contractant = current_contractant()
    mailer, base_url = TaskMailer(task, contractant), contractant_base_url(contractant)
    files, contents = _files(message)
    context = {
        "task": task,
        "message": message,
        "author": author_name(message),
        "contractant_name": contractant.name,
        "status": Task.Status(task.status).label,
        "closes": closes,
        "files": files,
        "files_attached": bool(contents),
        # A staff member without a name on file signs as the desk.
        "earlier": [(author_name(earlier) or contractant.name, earlier) for earlier in _earlier_replies(task, message)],
    }
    sent = 0
    for recipient in recipients:
        sent += mailer.send_once(
            template="tasks/email/reply",
            context={**context, "contact": recipient.contact, "portal_url": _portal_url(base_url, task, recipient)},
            address=recipient.address,
            contact=recipient.contact,
            message=message,
            headers=mailer.headers("reply", message.code, recipient.address, automatic=False),
            attachments=contents,
        )
    return sent


def notify_status_change(*, task_id: int, change_id: int) -> int:
    """Send each matching contact one e-mail for this change (a task history id); safe to run again."""
    task = Task.objects.filter(pk=task_id).first()
    change = Task.history.filter(history_id=change_id, id=task_id).first()
    if task is None or change is None:
        return 0
    recipients = contact_recipients(task, closes=change.status == Task.Status.CLOSED)
    if not recipients:
        return 0
    contractant = current_contractant()
    mailer, base_url = TaskMailer(task, contractant), contractant_base_url(contractant)
    context = {"task": task, "status": Task.Status(change.status).label, "contractant_name": contractant.name}
    sent = 0
    for recipient in recipients:
        sent += mailer.send_once(
            template="tasks/email/status",
            context={**context, "contact": recipient.contact, "portal_url": _portal_url(base_url, task, recipient)},
            address=recipient.address,
            contact=recipient.contact,
            change_id=change_id,
            headers=mailer.headers("change", change_id, recipient.address, automatic=True),
        )
    return sent
