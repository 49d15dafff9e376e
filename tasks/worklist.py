"""What tasks add to the staff work list (staff.worklist): one aggregate query."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from staff.worklist import WorkContext, WorkItem
from tasks.models import Task, TaskMessage


def task_work(context: WorkContext) -> list[WorkItem]:
    user = context.user
    open_tasks = ~Q(status=Task.Status.CLOSED)
    counts = Task.objects.aggregate(
        mine=Count("pk", filter=open_tasks & Q(assignee=user)),
        unassigned=Count("pk", filter=open_tasks & Q(assignee__isnull=True)),
        waiting=Count("pk", filter=Q(status=Task.Status.WAITING)),
    )
    customer = TaskMessage.objects.filter(
        kind=TaskMessage.Kind.REPLY, channel__in=[TaskMessage.Channel.PORTAL, TaskMessage.Channel.EMAIL]
    )
    if context.since is not None:
        customer = customer.filter(created_at__gt=context.since)
    replies = customer.filter(held_for_review=False).count()
    tasks_url = reverse("tasks:list")
    return [
        WorkItem(_("My open tasks"), counts["mine"], f"{tasks_url}?queue=mine", order=10),
        WorkItem(_("Unassigned"), counts["unassigned"], f"{tasks_url}?queue=unassigned", tone="warn", order=20),
        WorkItem(_("Waiting for customer"), counts["waiting"], f"{tasks_url}?queue=waiting", order=30),
        WorkItem(_("Customer replies since you last looked"), replies, f"{tasks_url}?queue=open", order=40),
    ]
