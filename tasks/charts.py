"""The staff home page's two charts (issue 16): tasks opened and closed per week, and the median
first-response time per week, over the last twelve ISO weeks (Europe/Amsterdam).

Reads only: one aggregate statement per chart, bounded by the window, cached per contractant for
ten minutes. The functions return numbers and coordinates in the chart's viewBox; the templates
(templates/tasks/_chart_*.html) draw the SVG.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, FloatField, Value
from django.db.models.functions import Extract, TruncWeek
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from staff.panels import Panel
from staff.worklist import WorkContext
from tasks.models import Task

if TYPE_CHECKING:
    from config.postgresql.base import DatabaseWrapper as TenantDatabaseWrapper

WEEKS = 12
ZONE = zoneinfo.ZoneInfo(settings.TIME_ZONE)
CACHE_SECONDS = 10 * 60

# The drawing area, in viewBox units: the SVG scales it to the width it is given.
WIDTH, HEIGHT = 360, 160
LEFT, RIGHT, TOP, BOTTOM = 30, 8, 10, 22
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


class Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5): the median of a number per group."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Week:
    start: datetime.date
    # The ISO week number (the axis label) and its Monday as "23 Nov" (the table's).
    number: int
    label: str
    # The middle of the week's slot on the x axis.
    x: float


@dataclass(frozen=True)
class WeekTicks:
    """What both charts share: the weeks and the value axis."""

    weeks: list[Week]
    # The top of the value axis and its y, in viewBox units.
    top: float
    top_label: str
    # Where the top of the value axis is drawn.
    top_y: int = TOP


def week_starts(now: datetime.datetime | None = None) -> list[datetime.date]:
    """The Mondays of the last WEEKS ISO weeks in Amsterdam, oldest first, this week last."""
    today = timezone.localtime(now or timezone.now(), ZONE).date()
    monday = today - datetime.timedelta(days=today.weekday())
    return [monday - datetime.timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]


def _window_start(starts: list[datetime.date]) -> datetime.datetime:
    return datetime.datetime.combine(starts[0], datetime.time(), tzinfo=ZONE)


def _week_of(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value, ZONE).date()


def cache_key(name: str, starts: list[datetime.date]) -> str:
    # The cache's key function adds the schema too (django_tenants.cache.make_key); the name here
    # keeps the key right if that ever changes. The window's first Monday moves it on each week.
    return f"tasks:chart:{name}:{cast('TenantDatabaseWrapper', connection).schema_name}:{starts[0].isoformat()}"


CHARTS = ("opened-closed", "first-response")


def _cached(name: str, starts: list[datetime.date], compute) -> dict:
    key = cache_key(name, starts)
    numbers = cache.get(key)
    if numbers is None:
        numbers = compute(starts)
        cache.set(key, numbers, CACHE_SECONDS)
    return numbers


def _weekly_counts(starts: list[datetime.date]) -> dict:
    """{"created": {monday: n}, "closed": {monday: n}}, in one statement (a UNION ALL): tasks
    created in the window (read through the created_at index) and tasks closed in it."""
    since = _window_start(starts)
    created = (
        Task.objects.filter(created_at__gte=since)
        .order_by()
        .annotate(week=TruncWeek("created_at", tzinfo=ZONE), series=Value("created"))
        .values("week", "series")
        .annotate(n=Count("pk"))
    )
    closed = (
        Task.objects.filter(status=Task.Status.CLOSED, closed_at__gte=since)
        .order_by()
        .annotate(week=TruncWeek("closed_at", tzinfo=ZONE), series=Value("closed"))
        .values("week", "series")
        .annotate(n=Count("pk"))
    )
    numbers: dict = {"created": {}, "closed": {}}
    for row in created.union(closed, all=True):
        numbers[row["series"]][_week_of(row["week"])] = row["n"]
    return numbers


def _weekly_first_response(starts: list[datetime.date]) -> dict:
    """{monday: median hours} of the tasks created in each week that had a first response."""
    since = _window_start(starts)
    waited = ExpressionWrapper(F("first_response_at") - F("created_at"), output_field=DurationField())
    rows = (
        Task.objects.filter(created_at__gte=since, first_response_at__isnull=False)
        .order_by()
        .annotate(week=TruncWeek("created_at", tzinfo=ZONE))
        .values("week")
        .annotate(median=Median(Extract(waited, "epoch")), n=Count("pk"))
    )
    return {_week_of(row["week"]): (row["median"] / 3600, row["n"]) for row in rows}


def _nice_top(value: float) -> float:
    """A round top for the value axis at or above the largest value (1, 2, 5, 10, 20, 50 …)."""
    step = 1.0
    while True:
        for factor in (1, 2, 5):
            if value <= step * factor:
                return step * factor
        step *= 10


def _ticks(starts: list[datetime.date], largest: float, unit: str = "") -> WeekTicks:
    slot = PLOT_WIDTH / len(starts)
    top = _nice_top(largest or 1)
    weeks = [
        # Translators: a week's first day under a chart, as django's date format: "5 Dec".
        Week(start, start.isocalendar().week, date_format(start, _("j M")), round(LEFT + slot * (i + 0.5), 1))
        for i, start in enumerate(starts)
    ]
    return WeekTicks(weeks=weeks, top=top, top_label=f"{top:g} {unit}" if unit else f"{top:g}")


def _y(value: float, top: float) -> float:
    return round(TOP + PLOT_HEIGHT - PLOT_HEIGHT * value / top, 1)


@dataclass(frozen=True)
class OpenedClosedRow:
    week: Week
    created: int
    closed: int


@dataclass(frozen=True)
class OpenedClosedChart:
    """Tasks created per week (bars) and closed per week (a line)."""

    rows: list[OpenedClosedRow]
    bars: list[Bar]
    line: list[Point]
    ticks: WeekTicks
    empty: bool
    # The viewBox and the plot's edges, for the axes.
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    baseline: int = TOP + PLOT_HEIGHT


def _bar(i: int, value: float, top: float) -> Bar:
    slot = PLOT_WIDTH / WEEKS
    y = _y(value, top)
    return Bar(
        x=round(LEFT + slot * (i + 0.2), 1), y=y, width=round(slot * 0.6, 1), height=round(TOP + PLOT_HEIGHT - y, 1)
    )


def opened_closed_chart(*, now: datetime.datetime | None = None) -> OpenedClosedChart:
    starts = week_starts(now)
    numbers = _cached("opened-closed", starts, _weekly_counts)
    largest = max([*numbers["created"].values(), *numbers["closed"].values()], default=0)
    ticks = _ticks(starts, largest)
    rows = [
        OpenedClosedRow(week, numbers["created"].get(start, 0), numbers["closed"].get(start, 0))
        for week, start in zip(ticks.weeks, starts, strict=True)
    ]
    return OpenedClosedChart(
        rows=rows,
        bars=[_bar(i, row.created, ticks.top) for i, row in enumerate(rows)],
        line=[Point(row.week.x, _y(row.closed, ticks.top)) for row in rows],
        ticks=ticks,
        empty=largest == 0,
    )


@dataclass(frozen=True)
class FirstResponseRow:
    week: Week
    # None: no task created that week had a first response.
    hours: float | None
    tasks: int


@dataclass(frozen=True)
class FirstResponseChart:
    """The median hours from a task's creation to its first public reply, per week created."""

    rows: list[FirstResponseRow]
    bars: list[Bar]
    ticks: WeekTicks
    empty: bool
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    baseline: int = TOP + PLOT_HEIGHT


def first_response_chart(*, now: datetime.datetime | None = None) -> FirstResponseChart:
    starts = week_starts(now)
    numbers = _cached("first-response", starts, _weekly_first_response)
    largest = max([hours for hours, _n in numbers.values()], default=0)
    ticks = _ticks(starts, largest, pgettext("hours, after a number", "h"))
    rows, bars = [], []
    for i, (week, start) in enumerate(zip(ticks.weeks, starts, strict=True)):
        hours, tasks = numbers.get(start, (None, 0))
        rows.append(FirstResponseRow(week, None if hours is None else round(hours, 1), tasks))
        if hours is not None:
            bars.append(_bar(i, hours, ticks.top))
    return FirstResponseChart(rows=rows, bars=bars, ticks=ticks, empty=not numbers)


# --- On the staff home page (registered in TasksConfig.ready) ---------------------------------


def opened_closed_panel(context: WorkContext) -> Panel:
    return Panel("tasks/_chart_opened_closed.html", opened_closed_chart())


def first_response_panel(context: WorkContext) -> Panel:
    return Panel("tasks/_chart_first_response.html", first_response_chart())
