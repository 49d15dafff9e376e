"""SLA: due times in business minutes, the clock on each task, and breaches.

The computation (BusinessCalendar, add_business_minutes, business_minutes_between) is pure:
aware datetimes in, aware datetimes out, no database. Arithmetic is done in UTC, business hours
are read as wall-clock times in the policy's time zone, so a DST change moves nothing.
The writes below it (sla_on_create, sla_on_status_change, record_first_response, flag_breaches,
sla_policy_update) are called by tasks.services, tasks.conversation and the beat job.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Container
from dataclasses import dataclass, field
from functools import lru_cache

import holidays
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tasks.models import SlaPolicy, Task

UTC = datetime.UTC
# Far enough for any target, near enough that a calendar without business days cannot loop.
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class BusinessCalendar:
    tz: zoneinfo.ZoneInfo
    opens: datetime.time
    closes: datetime.time
    # ISO weekdays, Monday = 1.
    weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    # Out of the hash (a holidays calendar is a dict), still compared: calendars are cache keys.
    closed_days: Container[datetime.date] = field(default=frozenset(), hash=False)

    def is_business_day(self, day: datetime.date) -> bool:
        return day.isoweekday() in self.weekdays and day not in self.closed_days

    def window(self, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
        """That day's opening and closing moment, in UTC."""
        opens = datetime.datetime.combine(day, self.opens, tzinfo=self.tz).astimezone(UTC)
        closes = datetime.datetime.combine(day, self.closes, tzinfo=self.tz).astimezone(UTC)
        return opens, closes

    @property
    def day_minutes(self) -> int:
        return (self.closes.hour * 60 + self.closes.minute) - (self.opens.hour * 60 + self.opens.minute)


@lru_cache(maxsize=4)
def dutch_holidays() -> holidays.HolidayBase:
    """Dutch public holidays, years filled in as they are asked for (the holidays package)."""
    return holidays.Netherlands()


def calendar_for(policy: SlaPolicy) -> BusinessCalendar:
    return BusinessCalendar(
        tz=zoneinfo.ZoneInfo(policy.time_zone),
        opens=policy.opens_at,
        closes=policy.closes_at,
        weekdays=frozenset(int(day) for day in policy.business_days),
        closed_days=dutch_holidays() if policy.dutch_public_holidays else frozenset(),
    )


def _local_day(moment: datetime.datetime, calendar: BusinessCalendar) -> datetime.date:
    return moment.astimezone(calendar.tz).date()


def add_business_minutes(start: datetime.datetime, minutes: int, calendar: BusinessCalendar) -> datetime.datetime:
    """The moment `minutes` business minutes after `start`. Outside business hours the clock
    starts at the next opening; a due time falls inside business hours (at most at closing)."""
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    cursor = start.astimezone(UTC)
    remaining = datetime.timedelta(minutes=max(minutes, 0))
    day = _local_day(cursor, calendar)
    for _day in range(MAX_DAYS):
        if calendar.is_business_day(day):
            opens, closes = calendar.window(day)
            begin = max(cursor, opens)
            if begin < closes:
                available = closes - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += datetime.timedelta(days=1)
    raise ValueError("no business hours within reach")


def _open_time(
    calendar: BusinessCalendar, day: datetime.date, a: datetime.datetime, b: datetime.datetime
) -> datetime.timedelta:
    """The part of `day`'s business hours between the UTC moments `a` and `b`."""
    if not calendar.is_business_day(day):
        return datetime.timedelta()
    opens, closes = calendar.window(day)
    begin, end = max(a, opens), min(b, closes)
    return end - begin if end > begin else datetime.timedelta()


_ALL_DAY = (datetime.datetime.min.replace(tzinfo=UTC), datetime.datetime.max.replace(tzinfo=UTC))


@lru_cache(maxsize=256)
def _year_running_totals(calendar: BusinessCalendar, year: int) -> tuple[int, ...]:
    """Item i: the business seconds of the first i days of `year` (whole days, DST included)."""
    totals, day = [0], datetime.date(year, 1, 1)
    while day.year == year:
        totals.append(totals[-1] + int(_open_time(calendar, day, *_ALL_DAY).total_seconds()))
        day += datetime.timedelta(days=1)
    return tuple(totals)


def _whole_days_seconds(calendar: BusinessCalendar, first: datetime.date, stop: datetime.date) -> int:
    """The business seconds of the whole days from `first` up to (not including) `stop`: read
    from a running total per year, so a span of years costs a few look-ups, not a loop over
    its days (a task overdue since last year is on every page of the breached queue)."""
    total = 0
    for year in range(first.year, stop.year + 1):
        totals, new_year = _year_running_totals(calendar, year), datetime.date(year, 1, 1)
        begin = (first - new_year).days if year == first.year else 0
        end = (stop - new_year).days if year == stop.year else len(totals) - 1
        total += totals[end] - totals[begin]
    return total


def business_minutes_between(a: datetime.datetime, b: datetime.datetime, calendar: BusinessCalendar) -> int:
    """Whole business minutes from `a` to `b`; negative when `b` is before `a`."""
    if b < a:
        return -business_minutes_between(b, a, calendar)
    a, b = a.astimezone(UTC), b.astimezone(UTC)
    first, last = _local_day(a, calendar), _local_day(b, calendar)
    total = _open_time(calendar, first, a, b)
    if last > first:
        total += datetime.timedelta(seconds=_whole_days_seconds(calendar, first + datetime.timedelta(days=1), last))
        total += _open_time(calendar, last, a, b)
    return int(total.total_seconds() // 60)


# --- The clock on a task -------------------------------------------------------------------

PAUSED_STATUSES = (Task.Status.WAITING, Task.Status.CLOSED)
SLA_FIELDS = ["response_due_at", "resolution_due_at", "first_response_at", "sla_paused_at", "sla_paused_minutes"]


def sla_policy() -> SlaPolicy:
    """This contractant's policy; the defaults until an administrator saves one."""
    return SlaPolicy.objects.first() or SlaPolicy()


def sla_on_create(task: Task, *, now: datetime.datetime, policy: SlaPolicy | None = None) -> None:
    """Set a new task's due times (not saved: the caller saves the task)."""
    policy = policy or sla_policy()
    calendar = calendar_for(policy)
    response, resolution = policy.targets(task.priority)
    task.response_due_at = add_business_minutes(now, response, calendar)
    task.resolution_due_at = add_business_minutes(now, resolution, calendar)


def sla_on_status_change(task: Task, *, old_status: str, now: datetime.datetime) -> list[str]:
    """Pause the clock on entering waiting (or closed), resume it on leaving: the business
    minutes it stood still move the due times still to be met. Returns the changed fields."""
    was_paused, paused = old_status in PAUSED_STATUSES, task.status in PAUSED_STATUSES
    if paused and not was_paused:
        task.sla_paused_at = now
        return ["sla_paused_at"]
    if was_paused and not paused and task.sla_paused_at is not None:
        calendar = calendar_for(sla_policy())
        stood_still = max(business_minutes_between(task.sla_paused_at, now, calendar), 0)
        task.sla_paused_minutes += stood_still
        task.sla_paused_at = None
        if stood_still:
            if task.resolution_due_at is not None:
                task.resolution_due_at = add_business_minutes(task.resolution_due_at, stood_still, calendar)
            if task.response_due_at is not None and task.first_response_at is None:
                task.response_due_at = add_business_minutes(task.response_due_at, stood_still, calendar)
        return ["sla_paused_at", "sla_paused_minutes", "resolution_due_at", "response_due_at"]
    return []


def sla_on_priority_change(task: Task, *, now: datetime.datetime) -> list[str]:
    """A new priority brings its own targets: the due times are counted again from the task's
    creation, plus the business minutes the clock already stood still. A breach the new
    targets undo (a lowered priority) is no longer flagged. Returns the changed fields."""
    if task.created_at is None:
        return []
    calendar = calendar_for(sla_policy())
    response, resolution = sla_policy().targets(task.priority)
    task.response_due_at = add_business_minutes(
        add_business_minutes(task.created_at, response, calendar), task.sla_paused_minutes, calendar
    )
    task.resolution_due_at = add_business_minutes(
        add_business_minutes(task.created_at, resolution, calendar), task.sla_paused_minutes, calendar
    )
    fields = ["response_due_at", "resolution_due_at"]
    response_missed = task.first_response_at is None and task.response_due_at <= now
    if task.sla_breached_at is not None and not response_missed and task.resolution_due_at > now:
        task.sla_breached_at = None
        fields.append("sla_breached_at")
    return fields


def record_first_response(task: Task, *, now: datetime.datetime) -> None:
    """The first public staff reply meets the response target (only the first one counts)."""
    if Task.objects.filter(pk=task.pk, first_response_at__isnull=True).update(first_response_at=now):
        task.first_response_at = now


@dataclass(frozen=True)
class SlaState:
    sentence: str
    # "ok", "warn" or "bad": the CSS class of the sentence.
    level: str


def _span(minutes: int, calendar: BusinessCalendar) -> str:
    minutes = abs(minutes)
    if minutes < 60:
        return ngettext("%(count)d min", "%(count)d min", minutes) % {"count": minutes}
    if minutes < calendar.day_minutes or calendar.day_minutes <= 0:
        hours = round(minutes / 60)
        return ngettext("%(count)d h", "%(count)d h", hours) % {"count": hours}
    days = round(minutes / calendar.day_minutes)
    return ngettext("%(count)d business day", "%(count)d business days", days) % {"count": days}


def _when(due: datetime.datetime, now: datetime.datetime, calendar: BusinessCalendar) -> str:
    local = due.astimezone(calendar.tz)
    if 0 <= (local.date() - now.astimezone(calendar.tz).date()).days < 7:
        # Translators: a due time within the week, as django's date format: "Tue 14:00".
        return date_format(local, _("D H:i"))
    # Translators: a later due time, as django's date format: "5 Dec 12:00" ("b": lower case month).
    return date_format(local, _("j M H:i"))


def sla_state(task: Task, now: datetime.datetime, policy: SlaPolicy | None = None) -> SlaState | None:
    """The task's SLA in one sentence that explains itself; None for a task without due times."""
    if task.resolution_due_at is None:
        return None
    policy = policy or sla_policy()
    calendar = calendar_for(policy)
    response_target, resolution_target = policy.targets(task.priority)
    if task.status == Task.Status.CLOSED:
        if task.closed_at is not None and task.closed_at > task.resolution_due_at:
            late = business_minutes_between(task.resolution_due_at, task.closed_at, calendar)
            return SlaState(_("Resolved %(span)s late") % {"span": _span(late, calendar)}, "bad")
        return SlaState(_("Met"), "ok")
    if task.status == Task.Status.WAITING:
        return SlaState(_("Paused: waiting for the customer"), "ok")
    if task.first_response_at is None and task.response_due_at is not None:
        due, target = task.response_due_at, response_target
        ahead, overdue = _("Respond before %(when)s (%(left)s left)"), _("Response overdue by %(span)s")
    else:
        due, target = task.resolution_due_at, resolution_target
        ahead, overdue = _("Resolve before %(when)s (%(left)s left)"), _("Resolution overdue by %(span)s")
    left = business_minutes_between(now, due, calendar)
    if now >= due:
        return SlaState(overdue % {"span": _span(max(-left, 1), calendar)}, "bad")
    level = "warn" if left <= max(target // 4, 1) else "ok"
    return SlaState(ahead % {"when": _when(due, now, calendar), "left": _span(max(left, 1), calendar)}, level)


# --- Writes --------------------------------------------------------------------------------

POLICY_FIELDS = [
    "time_zone",
    "business_days",
    "opens_at",
    "closes_at",
    "dutch_public_holidays",
    *[f"{kind}_minutes_{name}" for kind in ("response", "resolution") for name in ("low", "normal", "high", "urgent")],
]


def sla_policy_update(*, data: dict, actor) -> SlaPolicy:
    """Save this contractant's SLA policy (one row, created on first save). Due times already
    set stay; new tasks and resumed clocks use the new policy."""
    with transaction.atomic():
        policy = SlaPolicy.objects.select_for_update().first() or SlaPolicy()
        for name in POLICY_FIELDS:
            if name in data:
                setattr(policy, name, data[name])
        policy.full_clean()
        policy.save()
    return policy


def flag_breaches(*, now: datetime.datetime | None = None) -> list[int]:
    """Flag every running task whose due time passed (one UPDATE), then e-mail the staff
    administrators once per breach, after commit. Idempotent: a flagged task is not flagged again."""
    from django.db.models import Q

    now = now or timezone.now()
    overdue = Q(resolution_due_at__lt=now) | Q(first_response_at__isnull=True, response_due_at__lt=now)
    with transaction.atomic():
        ids = list(
            Task.objects.filter(overdue, status__in=[Task.Status.NEW, Task.Status.OPEN], sla_breached_at__isnull=True)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if ids:
            Task.objects.filter(pk__in=ids).update(sla_breached_at=now)
            transaction.on_commit(lambda: notify_breaches(task_ids=ids), robust=True)
    return ids


def notify_breaches(*, task_ids: list[int]) -> int:
    """Escalate each breached task: one e-mail to the lead of its team (staff.Team), or to every
    staff administrator when it has no team with an active lead, and an SLA warning under their
    bell. The assignee gets an SLA warning under the bell as well, by e-mail when their
    preference asks (and they were not e-mailed the escalation)."""
    from notifications.kinds import Kind as NotificationKind
    from notifications.services import notify
    from staff.mail import templated_mail
    from staff.teams import active_staff
    from tenants.models import current_contractant
    from tenants.urls_for import contractant_base_url

    administrators = list(active_staff().filter(is_superuser=True))
    base_url = contractant_base_url(current_contractant())
    now = timezone.now()
    sent = 0
    for task in Task.objects.filter(pk__in=task_ids).select_related("assignee", "team__lead").order_by("pk"):
        assignee = task.assignee if task.assignee is not None and task.assignee.is_active else None
        lead = task.team.lead if task.team is not None and task.team.lead is not None else None
        escalate_to = [lead] if lead is not None and lead.is_active else administrators
        mailed = [user for user in escalate_to if user.email.strip()]
        params = {"number": task.pk, "subject": task.subject}
        url = reverse("tasks:detail", args=[task.pk])
        key = f"sla-breach:{task.pk}:{task.sla_breached_at.isoformat() if task.sla_breached_at else ''}"
        # Those escalated to get the escalation e-mail below, not the warning's own.
        notify(recipients=escalate_to, kind=NotificationKind.SLA_WARNING, params=params, url=url, key=key, email=False)
        if assignee is not None and assignee not in escalate_to:
            notify(recipients=[assignee], kind=NotificationKind.SLA_WARNING, params=params, url=url, key=key)
        state = sla_state(task, now)
        context = {
            "task": task,
            "state": state.sentence if state else "",
            "task_url": base_url + reverse("tasks:detail", args=[task.pk]),
        }
        for user in mailed:
            templated_mail("tasks/email/sla_breach", {**context, "user": user}, user.email.strip()).send()
            sent += 1
    return sent
