"""The staff hear of a customer's reply (the assignee, or the team while nobody is assigned), of
a task assigned to them, and of a mention in an internal note: under the bell
(notifications.notify) and, as each one's preference asks, by e-mail."""

from __future__ import annotations

import datetime

from django.urls import reverse

from notifications.kinds import Kind as NotificationKind
from notifications.mentions import mentioned_staff
from notifications.selectors import email_wanted
from notifications.services import notify
from staff.ui import staff_name
from tasks.models import Task, TaskMessage
from tasks.notifications.customers import author_name
from tasks.notifications.mail import TaskMailer
from tasks.notifications.recipients import staff_recipients
from tenants.models import current_contractant
from tenants.urls_for import contractant_base_url

# post_customer_reply reopens the task and saves the reply in one transaction: moments apart.
SAME_MOMENT = datetime.timedelta(seconds=60)


def reply_reopened_task(task: Task, message: TaskMessage) -> bool:
    """Whether this reply reopened the task: the last change before it turned `closed` into
    something else, made by the reply's own writer (None for an e-mail) just before it."""
    records = list(
        task.history.filter(history_date__lte=message.created_at)
        .order_by("-history_date", "-history_id")
        .values("status", "history_date", "history_user_id")[:2]
    )
    if len(records) < 2:
        return False
    change, before = records
    return (
        before["status"] == Task.Status.CLOSED
        and change["status"] != Task.Status.CLOSED
        and change["history_user_id"] == message.author_id
        and message.created_at - change["history_date"] <= SAME_MOMENT
    )


def reply_started_task(task: Task, message: TaskMessage) -> bool:
    """Whether this reply is the first message of a follow-up task (post_customer_reply makes
    one for a reply to a task closed longer than the desk's reopen window)."""
    if task.follow_up_of_id is None:
        return False
    return task.messages.order_by("created_at", "pk").values_list("pk", flat=True).first() == message.pk


def notify_customer_reply(*, message_id: int) -> int:
    """E-mail the staff a customer's reply (portal or e-mail), once per reply and address."""
    message = (
        TaskMessage.objects.select_related("task__assignee", "task__follow_up_of", "author", "author_contact")
        .prefetch_related("attachments")
        .filter(
            pk=message_id,
            kind=TaskMessage.Kind.REPLY,
            held_for_review=False,
            channel__in=[TaskMessage.Channel.PORTAL, TaskMessage.Channel.EMAIL],
        )
        .first()
    )
    if message is None:
        return 0  # a held e-mail is reviewed on the task page, not announced
    task = message.task
    recipients = staff_recipients(task)
    if not recipients:
        return 0
    notify(
        recipients=recipients,
        kind=NotificationKind.CUSTOMER_REPLY,
        params={"author": author_name(message), "number": task.pk, "subject": task.subject},
        url=f"{reverse('tasks:detail', args=[task.pk])}#message-{message.code}",
        key=f"message:{message.pk}",
        email=False,  # the e-mail below is this notification's e-mail
    )
    emailed = email_wanted(user_ids=[user.pk for user in recipients], kind=NotificationKind.CUSTOMER_REPLY)
    contractant = current_contractant()
    mailer = TaskMailer(task, contractant)
    follow_up = reply_started_task(task, message)
    context = {
        "task": task,
        "message": message,
        "author": author_name(message),
        "files": list(message.attachments.all()),
        "task_url": contractant_base_url(contractant) + reverse("tasks:detail", args=[task.pk]),
        "status": Task.Status(task.status).label,
        "follow_up_of": task.follow_up_of if follow_up else None,
        "reopened": not follow_up and reply_reopened_task(task, message),
        "assigned": task.assignee_id is not None and recipients == [task.assignee],
    }
    sent = 0
    for user in recipients:
        if user.pk not in emailed:
            continue  # in the app only, as they chose
        address = user.email.strip()
        sent += mailer.send_once(
            template="tasks/email/customer_reply",
            context={**context, "user": user},
            address=address,
            message=message,
            headers=mailer.headers("staff", message.code, address, automatic=True),
            # Staff answer on the task page: a reply to this e-mail would reach the desk as a
            # stranger's e-mail, to be held, not as the staff member's answer.
            reply_to=False,
        )
    return sent


def notify_assignment(*, task_id: int, change_id: int) -> int:
    """E-mail a staff member the task someone else just assigned to them, once per change."""
    record = Task.history.filter(history_id=change_id, id=task_id).select_related("history_user").first()
    task = Task.objects.select_related("assignee").filter(pk=task_id).first()
    if record is None or task is None or task.assignee_id is None or record.assignee_id != task.assignee_id:
        return 0  # reassigned again since: only the current assignee hears of it, from that change
    assignee = task.assignee
    if assignee is None or not assignee.is_active or record.history_user_id == assignee.pk:
        return 0  # took it themselves, or nobody to tell
    notify(
        recipients=[assignee],
        kind=NotificationKind.ASSIGNED,
        params={"actor": staff_name(record.history_user), "number": task.pk, "subject": task.subject},
        url=reverse("tasks:detail", args=[task.pk]),
        actor=record.history_user,
        key=f"task-change:{change_id}",
        email=False,  # the e-mail below is this notification's e-mail
    )
    if not assignee.email or assignee.pk not in email_wanted(user_ids=[assignee.pk], kind=NotificationKind.ASSIGNED):
        return 0  # nobody to write to, or in the app only as they chose
    contractant = current_contractant()
    mailer = TaskMailer(task, contractant)
    address = assignee.email.strip()
    context = {
        "task": task,
        "user": assignee,
        "by": record.history_user,
        "task_url": contractant_base_url(contractant) + reverse("tasks:detail", args=[task.pk]),
        "status": Task.Status(task.status).label,
    }
    return int(
        mailer.send_once(
            template="tasks/email/assigned",
            context=context,
            address=address,
            change_id=change_id,
            headers=mailer.headers("assigned", change_id, address, automatic=True),
            reply_to=False,
        )
    )


def notify_mentions(*, message: TaskMessage, actor) -> int:
    """The staff an internal note mentions (`@karin`, `@karin.devries`) are told, each once and
    never its author; the caller holds the note's transaction. A public reply mentions nobody:
    its words are for the customer."""
    if message.kind != TaskMessage.Kind.NOTE:
        return 0
    task = message.task
    created = notify(
        recipients=mentioned_staff(message.body, author=actor),
        kind=NotificationKind.MENTION,
        params={"actor": staff_name(actor), "number": task.pk, "subject": task.subject},
        url=f"{reverse('tasks:detail', args=[task.pk])}#message-{message.code}",
        actor=actor,
        key=f"message:{message.pk}",
    )
    return len(created)
