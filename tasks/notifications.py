"""E-mail contacts about a task's status change, as their preferences ask (DESIGN.md rule 8)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from contacts.models import Contact, ContactLink
from staff.mail import send_templated_mail
from tasks.models import NotificationLog, Task


def recipients_for(task: Task, new_status: str) -> list[Contact]:
    """Contacts linked to one of the task's relations whose preference matches this change."""
    links = (
        ContactLink.objects.filter(
            relation__task_links__task=task, status=ContactLink.PortalStatus.APPROVED, contact__status="active"
        )
        .exclude(contact__email="")
        .select_related("contact")
    )
    chosen: dict[int, Contact] = {}
    for link in links:
        contact = link.contact
        if contact.notify_trigger == Contact.NotifyTrigger.ON_CLOSE and new_status != Task.Status.CLOSED:
            continue
        own = task.reporter_id == contact.pk
        # 'all' reaches only contacts who may see every task of that organisation.
        sees_all = link.support_access == ContactLink.SupportAccess.ALL
        if own or (contact.notify_scope == Contact.NotifyScope.ALL and sees_all):
            chosen[contact.pk] = contact
    return list(chosen.values())


def notify_status_change(*, task_id: int, change_id: int) -> int:
    """Send each matching contact one e-mail for this change; safe to run again."""
    task = Task.objects.filter(pk=task_id).first()
    change = Task.history.filter(history_id=change_id).first()
    if task is None or change is None:
        return 0
    sent = 0
    for contact in recipients_for(task, change.status):
        try:
            with transaction.atomic():
                NotificationLog.objects.create(task=task, change_id=change_id, contact=contact, status=change.status)
                context = {"contact": contact, "task": task, "status": Task.Status(change.status).label}
                send_templated_mail("tasks/email/status", context, contact.email)
        except IntegrityError:
            continue  # already sent for this change: a retry or a second delivery of the task
        sent += 1
    return sent
