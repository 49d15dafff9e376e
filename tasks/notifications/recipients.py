"""Who hears of a task: contacts as their preference asks (DESIGN.md rule 8), staff of a
customer's reply (the assignee, or the team while nobody is assigned)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from contacts.models import Contact, ContactLink
from staff.teams import active_staff
from tasks.models import Task


@dataclass(frozen=True)
class Recipient:
    contact: Contact
    # The relation whose portal page of the task this contact may open; None when it may open
    # none (a reporter without support access is still told of its own task).
    portal_relation_code: str | None

    @property
    def address(self) -> str:
        return self.contact.email.strip()


def contact_recipients(task: Task, *, closes: bool) -> list[Recipient]:
    """Contacts linked to one of the task's relations whose preference matches: scope `own` =
    the contact reported the task, `all` = every task of an organisation whose tasks it may
    all see; trigger `on_close` only when this change (or reply) closes the task."""
    links = (
        ContactLink.objects.filter(
            relation__task_links__task=task, status=ContactLink.PortalStatus.APPROVED, contact__status="active"
        )
        .exclude(contact__email="")
        .select_related("contact", "relation")
        .order_by("relation__name", "pk")
    )
    chosen: dict[int, Recipient] = {}
    for link in links:
        contact = link.contact
        if contact.notify_trigger == Contact.NotifyTrigger.ON_CLOSE and not closes:
            continue
        own = task.reporter_id == contact.pk
        # 'all' reaches only contacts who may see every task of that organisation.
        sees_all = link.support_access == ContactLink.SupportAccess.ALL
        if not (own or (contact.notify_scope == Contact.NotifyScope.ALL and sees_all)):
            continue
        may_open = sees_all or (own and link.support_access == ContactLink.SupportAccess.OWN)
        earlier = chosen.get(contact.pk)
        if earlier is None or (earlier.portal_relation_code is None and may_open):
            chosen[contact.pk] = Recipient(contact, str(link.relation.code) if may_open else None)
    return list(chosen.values())


def recipients_for(task: Task, new_status: str) -> list[Contact]:
    """The contacts a change of the task to `new_status` is e-mailed to."""
    return [recipient.contact for recipient in contact_recipients(task, closes=new_status == Task.Status.CLOSED)]


def portal_task_path(task: Task, relation_code: str | None) -> str | None:
    """The task's page in the customer portal, by URL name: tasks imports nothing of the portal
    (STYLE 16), and a portal without that page leaves the link out instead of the e-mail."""
    if relation_code is None:
        return None
    try:
        return reverse("portal:task", kwargs={"org": relation_code, "task": task.code})
    except NoReverseMatch:
        return None


def staff_recipients(task: Task) -> list:
    """The assignee, when there is one who can still log in; otherwise the team. Teams come
    later: until then the team is every active staff user of the contractant."""
    assignee = task.assignee
    if assignee is not None and assignee.is_active and assignee.is_staff and assignee.email.strip():
        return [assignee]
    return [user for user in active_staff() if user.email.strip()]
