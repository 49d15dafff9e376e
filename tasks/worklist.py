"""What tasks add to the staff work list (staff.worklist): one query of capped counts."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staff.worklist import WorkContext, WorkItem, capped_count, capped_item
from tasks.models import Task, TaskMessage
from tasks.selectors import sla_breached, sla_due_today

# Each count stops after this many (shown "1000+"): a home page count reads at most this many
# rows, whatever the size of the desk. A module constant so tests can lower it.
COUNT_CAP = 1000


def task_work(context: WorkContext) -> list[WorkItem]:
    user = context.user
    now = timezone.now()
    cap = COUNT_CAP
    tasks = Task.objects.all()
    open_tasks = tasks.exclude(status=Task.Status.CLOSED)
    customer = TaskMessage.objects.filter(
        kind=TaskMessage.Kind.REPLY,
        channel__in=[TaskMessage.Channel.PORTAL, TaskMessage.Channel.EMAIL],
        held_for_review=False,
    )
    if context.since is not None:
        customer = customer.filter(created_at__gt=context.since)
    # One statement: each count a LIMITed subquery, selected on one row of the task table. No
    # task at all means every count is zero (a message always belongs to a task).
    row = (
        tasks.order_by()
        .annotate(
            mine=capped_count(open_tasks.filter(Q(assignee=user)), cap),
            unassigned=capped_count(open_tasks.filter(assignee__isnull=True), cap),
            waiting=capped_count(tasks.filter(status=Task.Status.WAITING), cap),
            breached=capped_count(tasks.filter(sla_breached(now)), cap),
            due_today=capped_count(tasks.filter(sla_due_today(now)), cap),
            replies=capped_count(customer, cap),
        )
        .values("mine", "unassigned", "waiting", "breached", "due_today", "replies")
        .first()
    )
    counts = row or dict.fromkeys(["mine", "unassigned", "waiting", "breached", "due_today", "replies"], 0)
    url = reverse("tasks:list")
    return [
        capped_item(_("My open tasks"), counts["mine"], f"{url}?queue=mine", cap=cap, order=10),
        capped_item(_("Unassigned"), counts["unassigned"], f"{url}?queue=unassigned", cap=cap, tone="warn", order=20),
        capped_item(_("SLA breached"), counts["breached"], f"{url}?queue=breached", cap=cap, tone="bad", order=22),
        capped_item(_("Due today"), counts["due_today"], f"{url}?queue=due_today", cap=cap, tone="warn", order=24),
        capped_item(_("Waiting for customer"), counts["waiting"], f"{url}?queue=waiting", cap=cap, order=30),
        capped_item(
            _("Customer replies since you last looked"), counts["replies"], f"{url}?queue=open", cap=cap, order=40
        ),
    ]
