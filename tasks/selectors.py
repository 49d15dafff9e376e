"""Reads that task pages share, with their joins already applied."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Page
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from relations.models import Relation
from staff.lookups import contains
from staff.ui import PAGE_SIZE, CappedPaginator, parse_id, staff_name
from tasks.models import DeskSettings, Task, TaskLink, TaskMessage
from tasks.sla import SlaState, sla_policy, sla_state
from tenants.crossing import read_for_bound_relation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

User = get_user_model()


@dataclass(frozen=True, slots=True)
class TaskRow:
    """One row of the task table (templates/tasks/_task_table.html): what it shows, nothing more."""

    pk: int
    url: str
    subject: str
    status: str
    # Lazy labels of the choices (the raw value for one outside them).
    status_label: StrOrPromise
    priority: int
    priority_label: StrOrPromise | int
    created_at: datetime
    # The assignee's name (or e-mail address), "" when nobody is assigned.
    assignee: str
    # The owning team's name, "" when none.
    team: str
    # (url, name) of every linked relation, by name.
    relations: tuple[tuple[str, str], ...]
    # The SLA sentence and its colour (tasks.sla.sla_state); None for a task without due times.
    sla: SlaState | None = None


# The SLA queues, also counted on the home page (tasks.worklist): one definition for both.
RUNNING = Q(status__in=[Task.Status.NEW, Task.Status.OPEN])
# "Due today" ends at midnight here, the desk's time zone (and the SLA policy's default).
DESK_ZONE = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def sla_overdue(now: datetime) -> Q:
    """A running clock past a due time not yet met; the beat job (tasks.sla.flag_breaches)
    flags exactly these."""
    return Q(resolution_due_at__lt=now) | Q(first_response_at__isnull=True, response_due_at__lt=now)


def sla_breached(now: datetime) -> Q:
    """Open tasks past a due time: flagged by the beat job (the flag stays while the task is
    open, also when it waits), or running and overdue before the next run of the job."""
    return ~Q(status=Task.Status.CLOSED) & (Q(sla_breached_at__isnull=False) | (RUNNING & sla_overdue(now)))


def desk_midnight(now: datetime) -> datetime:
    """The end of the desk's day that `now` falls in: the next midnight here."""
    today = timezone.localtime(now, DESK_ZONE).date()
    return datetime.combine(today + timedelta(days=1), time(), tzinfo=DESK_ZONE)


def sla_due_today(now: datetime) -> Q:
    """Running tasks not yet breached with a due time before midnight (Amsterdam)."""
    midnight = desk_midnight(now)
    due = Q(resolution_due_at__lt=midnight) | Q(first_response_at__isnull=True, response_due_at__lt=midnight)
    return RUNNING & Q(sla_breached_at__isnull=True) & ~sla_overdue(now) & due


def task_list(
    *,
    relation_id: int | None = None,
    status: str = "",
    assignee_id: int | None = None,
    only_open: bool = False,
    query: str = "",
    unassigned: bool = False,
    team_id: int | None = None,
    team_member_id: int | None = None,
    breached: bool = False,
    due_today: bool = False,
    sort: str = "",
) -> QuerySet[Task]:
    """The tasks the task list's filters match, newest first (the task_newest_first index).
    A search matches the subject or description (% and _ taken literally) or, typed as a
    number ("12", "#12"), the task's number."""
    tasks = Task.objects.all()
    if relation_id:
        tasks = tasks.filter(links__relation_id=relation_id)  # one link per task and relation
    if status in Task.Status.values:
        tasks = tasks.filter(status=status)
    if only_open:
        tasks = tasks.exclude(status=Task.Status.CLOSED)
    if assignee_id:
        tasks = tasks.filter(assignee_id=assignee_id)
    elif unassigned:
        tasks = tasks.filter(assignee__isnull=True)
    if query:
        matches = Q(contains("subject", query)) | Q(contains("description", query))
        number_typed = query.lstrip("#")
        # A number past the largest task number matches no task (parse_id: None).
        if (task_number := parse_id(number_typed)) is not None:
            matches |= Q(pk=task_number)
        tasks = tasks.filter(matches)
    if team_id:
        tasks = tasks.filter(team_id=team_id)
    if team_member_id:
        tasks = tasks.filter(team__members=team_member_id)
    if breached:
        tasks = tasks.filter(sla_breached(timezone.now()))
    if due_today:
        tasks = tasks.filter(sla_due_today(timezone.now()))
    order = SORTS.get(sort, SORTS[""])
    if relation_id and order == SORTS[""]:
        # The same order, read from the relation's links (task_link_relation_newest).
        order = RELATION_NEWEST_FIRST
    return tasks.order_by(*order)


# A relation's tasks are counted up to this many ("1.000+"): each one counted is a look-up of its
# task's status through the link, where the desk's own counts read one index.
RELATION_COUNT_CAP = 1_000

# A text search counts its matches up to this many ("more than 1.000 tasks: narrow the
# filters"): every match counted is a row whose subject and description are read, and a common
# word ("bank") matches a third of a million tasks; past a thousand, a search is narrowed, not
# paged through (issue 17: the count of 10,001 cost 90 ms, the page itself 2 ms).
SEARCH_COUNT_CAP = 1_000

# A relation's tasks newest first: the links' copy of the task's created_at, in the same join
# as the relation filter, so that PostgreSQL reads the 25 newest links and stops.
RELATION_NEWEST_FIRST = ("-links__task_created_at", "-links__task_id")


# The task list's column sorts (?sort=, "-" first for descending), ties broken by number in the
# same direction, so that each is an index read forwards or backwards (tasks.models indexes).
# Relations are not a sort: a task has several; the relation filter narrows to one instead.
SORTS: dict[str, tuple[str, ...]] = {
    "": ("-created_at", "-pk"),
    "created": ("created_at", "pk"),
    "-created": ("-created_at", "-pk"),
    "number": ("pk",),
    "-number": ("-pk",),
    "subject": ("subject", "pk"),
    "-subject": ("-subject", "-pk"),
    "status": ("status", "pk"),
    "-status": ("-status", "-pk"),
    "priority": ("priority", "pk"),
    "-priority": ("-priority", "-pk"),
    "assignee": ("assignee__first_name", "assignee__last_name", "assignee__email", "-pk"),
    "-assignee": ("-assignee__first_name", "-assignee__last_name", "-assignee__email", "-pk"),
    # The SLA column: the resolution due time, soonest first and tasks without one last; the
    # descending sort is its exact reverse (PostgreSQL's defaults), so one index serves both.
    "sla": ("resolution_due_at", "pk"),
    "-sla": ("-resolution_due_at", "-pk"),
}


def task_page(
    *,
    number: int = 1,
    per_page: int = PAGE_SIZE,
    relation_id: int | None = None,
    status: str = "",
    assignee_id: int | None = None,
    only_open: bool = False,
    query: str = "",
    unassigned: bool = False,
    team_id: int | None = None,
    team_member_id: int | None = None,
    breached: bool = False,
    due_today: bool = False,
    sort: str = "",
) -> Page:
    """A page of the task list (task_list's filters), newest first: Django's Page, whose
    object_list holds the page's TaskRows (with their linked relations).

    A fixed number of statements whatever the page holds: the total, the page's tasks with
    their assignee, the page's links with their relation. A page past the last one answers
    the last page (Paginator.get_page).
    """
    tasks = task_list(
        relation_id=relation_id,
        status=status,
        assignee_id=assignee_id,
        only_open=only_open,
        query=query,
        unassigned=unassigned,
        team_id=team_id,
        team_member_id=team_member_id,
        breached=breached,
        due_today=due_today,
        sort=sort,
    )
    links = TaskLink.objects.select_related("relation").only("task", "relation", "relation__name")
    tasks = (
        tasks.select_related("assignee", "team")
        .only(
            "pk",
            "subject",
            "status",
            "priority",
            "created_at",
            "assignee",
            "assignee__email",
            "assignee__first_name",
            "assignee__last_name",
            "team",
            "team__name",
            # What the SLA column reads (tasks.sla.sla_state).
            "closed_at",
            "response_due_at",
            "resolution_due_at",
            "first_response_at",
        )
        .prefetch_related(Prefetch("links", queryset=links.order_by("relation__name", "relation_id")))
    )
    # A capped total: the exact count of a million tasks costs more than the page itself.
    cap = RELATION_COUNT_CAP if relation_id else SEARCH_COUNT_CAP if query else None
    page = CappedPaginator(tasks, per_page, cap=cap).get_page(number)
    status_labels, priority_labels = dict(Task.Status.choices), dict(Task.Priority.choices)
    policy, now = sla_policy(), timezone.now()
    rows = [
        TaskRow(
            pk=task.pk,
            url=reverse("tasks:detail", args=[task.pk]),
            subject=task.subject,
            status=task.status,
            status_label=status_labels.get(task.status, task.status),
            priority=task.priority,
            priority_label=priority_labels.get(task.priority, task.priority),
            created_at=task.created_at,
            assignee=staff_name(task.assignee) if task.assignee else "",
            team=task.team.name if task.team else "",
            relations=tuple(
                (reverse("relations:detail", args=[link.relation_id]), link.relation.name) for link in task.links.all()
            ),
            sla=sla_state(task, now, policy),
        )
        for task in page
    ]
    # The same page of the same paginator, holding the rows the table shows.
    return Page(rows, page.number, page.paginator)


# The task list's built-in queues (issue 16): what each one filters, for the user looking.
QUEUES = ("open", "mine", "team", "unassigned", "waiting", "breached", "due_today", "all")
DEFAULT_QUEUE = "open"


def queue_filters(queue: str, user) -> dict:
    """task_page's arguments for a built-in queue; an unknown queue is the default one."""
    if queue == "mine":
        return {"assignee_id": user.pk, "only_open": True}
    if queue == "team":
        # The open tasks of the teams this person is in.
        return {"team_member_id": user.pk, "only_open": True}
    if queue == "breached":
        return {"breached": True}
    if queue == "due_today":
        return {"due_today": True}
    if queue == "unassigned":
        return {"unassigned": True, "only_open": True}
    if queue == "waiting":
        return {"status": Task.Status.WAITING}
    if queue == "all":
        return {}
    return {"only_open": True}


def desk_settings() -> DeskSettings:
    """This contractant's desk rules; the defaults until someone saves them."""
    return DeskSettings.objects.order_by("pk").first() or DeskSettings()


def public_messages(task: Task) -> QuerySet[TaskMessage]:
    """The part of a task's conversation a customer may read: public replies and their files.

    The one filter every customer-facing surface uses (portal, the customer's e-mails, Support
    tasks): an internal note, and a held e-mail (a note until published), never pass it.
    """
    return (
        task.messages.filter(kind=TaskMessage.Kind.REPLY, held_for_review=False)
        .select_related("author", "author_contact")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )


def task_detail(*, pk: int) -> Task:
    """A task with its links. Its conversation is read by tasks.timeline (capped, one query),
    not here: every staff view of a task (a download, a status change) would read it for nothing."""
    return (
        Task.objects.select_related("assignee")
        .prefetch_related(
            Prefetch("links", queryset=TaskLink.objects.select_related("relation").order_by("relation__name"))
        )
        .get(pk=pk)
    )


def open_task_ids_of(relation: Relation) -> list[int]:
    return list(
        Task.objects.filter(links__relation=relation).exclude(status=Task.Status.CLOSED).values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class SupportTaskView:
    """What contractant X may see of the tasks its supplier holds for it (rule 3)."""

    supplier_name: str
    relation_name: str
    tasks: list[dict]
    total: int
    # The page shown (a page past the last one shows the last) and the number of pages.
    number: int
    pages: int


def support_tasks_for(contractant, *, only_open: bool = False, number: int = 1, per_page: int = PAGE_SIZE):
    """Page `number` of the tasks the supplier holding contractant's binding has linked to the
    bound relation, as plain values; None when nothing binds the contractant."""

    def read(relation_id: int) -> tuple[int, list[Any], int, int]:
        tasks = Task.objects.filter(links__relation_id=relation_id)
        if only_open:
            tasks = tasks.exclude(status=Task.Status.CLOSED)
        rows = tasks.order_by(*RELATION_NEWEST_FIRST).values(
            "pk", "code", "subject", "status", "priority", "created_at", "updated_at"
        )
        page = CappedPaginator(rows, per_page, cap=RELATION_COUNT_CAP).get_page(number)
        return page.paginator.count, list(page.object_list), page.number, page.paginator.num_pages

    found = read_for_bound_relation(contractant, read)
    if found is None:
        return None
    binding, (total, rows, shown, pages) = found
    for row in rows:
        row["status_label"] = Task.Status(row["status"]).label
    return SupportTaskView(
        supplier_name=binding.supplier_name,
        relation_name=binding.relation_name,
        tasks=rows,
        total=total,
        number=shown,
        pages=pages,
    )


def open_task_count():
    """A relation's open tasks, as an annotation of the relation list (relations.selectors)."""
    return Count("task_links", filter=~Q(task_links__task__status=Task.Status.CLOSED))


@dataclass(frozen=True)
class SupportTaskDetail:
    """One support task as contractant X may see it: its fields and its public replies only."""

    supplier_name: str
    relation_name: str
    task: dict
    replies: list[dict]


def support_task_detail(contractant, code) -> SupportTaskDetail | None:
    """The task with public `code` among those linked to contractant's bound relation, with
    the public replies (tasks.selectors.public_messages: never an internal note); None when
    nothing binds the contractant or the task is not one of them."""

    def read(relation_id: int) -> tuple[dict, list[dict]] | None:
        task = Task.objects.filter(links__relation_id=relation_id, code=code).first()
        if task is None:
            return None
        fields = {
            "pk": task.pk,
            "code": task.code,
            "subject": task.subject,
            "description": task.description,
            "status": task.status,
            "status_label": task.get_status_display(),
            "created_at": task.created_at,
            "updated_at": task.updated_at,
        }
        replies = [
            {
                "who": reply.author_contact.full_name if reply.author_contact else reply.author_label,
                "from_customer": reply.channel != TaskMessage.Channel.STAFF,
                "body": reply.body,
                "created_at": reply.created_at,
                "attachments": [attachment.name for attachment in reply.attachments.all()],
            }
            for reply in public_messages(task)
        ]
        return fields, replies

    found = read_for_bound_relation(contractant, read)
    if found is None:
        return None
    binding, read_back = found
    if read_back is None:
        return None
    fields, replies = read_back
    return SupportTaskDetail(
        supplier_name=binding.supplier_name, relation_name=binding.relation_name, task=fields, replies=replies
    )
