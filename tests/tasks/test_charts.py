"""The staff home page's charts (issue 16): tasks created and closed per ISO week and the median
first-response time per week, over the last twelve weeks in Amsterdam time; drawn as SVG with a
table for screen readers, an empty state, and numbers cached per contractant."""

from __future__ import annotations

import datetime
import zoneinfo

from django.utils import timezone

from tasks.charts import first_response_chart, opened_closed_chart, week_starts
from tasks.models import Task
from tests.conftest import ALPHA, logged_in_staff
from tests.factories import TaskFactory
from tests.portal.conftest import page

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
# A Wednesday: the window is the twelve weeks from Monday 14 September to Monday 30 November.
NOW = datetime.datetime(2026, 12, 2, 12, 0, tzinfo=AMS)


def at(month, day, hour=12, minute=0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=AMS)


def task(created, *, closed=None, first_response=None) -> Task:
    made = TaskFactory(status="closed" if closed else "open", closed_at=closed, first_response_at=first_response)
    Task.objects.filter(pk=made.pk).update(created_at=created)
    return made


def week(chart, monday: datetime.date):
    return next(row for row in chart.rows if row.week.start == monday)


def test_the_window_is_the_last_twelve_iso_weeks_this_week_last():
    starts = week_starts(NOW)

    assert (starts[0], starts[-1], len(starts)) == (datetime.date(2026, 9, 14), datetime.date(2026, 11, 30), 12)
    assert [start.weekday() for start in starts] == [0] * 12


def test_tasks_created_and_closed_count_in_their_amsterdam_week(in_supplier):
    task(at(11, 24))
    task(at(11, 24), closed=at(12, 1))
    # Sunday 23:30 in Amsterdam is still week 48, though it is Sunday 22:30 in UTC...
    task(at(11, 29, 23, 30))
    # ...and Monday 00:30 is week 49, though it is still Sunday in UTC.
    task(at(11, 30, 0, 30))
    # Created before the window, closed in it: a closing, not a creation.
    task(at(8, 3), closed=at(11, 25))

    chart = opened_closed_chart(now=NOW)

    assert (week(chart, datetime.date(2026, 11, 23)).created, week(chart, datetime.date(2026, 11, 23)).closed) == (3, 1)
    assert (week(chart, datetime.date(2026, 11, 30)).created, week(chart, datetime.date(2026, 11, 30)).closed) == (1, 1)
    assert sum(row.created for row in chart.rows) == 4
    assert not chart.empty
    # The tallest bar reaches the top of the axis (3 of a top of 5 is 60% of the plot's height).
    assert chart.ticks.top == 5
    tallest = chart.bars[-2]
    assert round(tallest.height / (chart.baseline - chart.ticks.top_y), 2) == 0.6


def test_first_response_is_the_median_per_week_in_hours(in_supplier):
    hour = datetime.timedelta(hours=1)
    created = at(11, 17, 9)
    for waited in (1, 2, 6):
        task(created, first_response=created + waited * hour)
    task(created)  # not answered yet: not in the median
    later = at(11, 24, 9)
    for waited in (1, 4):
        task(later, first_response=later + waited * hour)

    chart = first_response_chart(now=NOW)

    assert (week(chart, datetime.date(2026, 11, 16)).hours, week(chart, datetime.date(2026, 11, 16)).tasks) == (
        2.0,
        3,
    )
    assert week(chart, datetime.date(2026, 11, 23)).hours == 2.5
    assert week(chart, datetime.date(2026, 11, 30)).hours is None
    assert len(chart.bars) == 2


def test_with_no_tasks_in_the_window_the_charts_say_so(staff_en):
    task(at(8, 3), first_response=at(8, 3, 13))

    html = page(staff_en.get("/"))

    assert opened_closed_chart(now=timezone.now()).empty
    assert "No tasks were created or closed in the last 12 weeks." in html
    assert "No task created in the last 12 weeks has had a first response yet." in html
    assert "chart-svg" not in html


def test_the_home_page_draws_both_charts_with_a_text_alternative(staff_en):
    now = timezone.now()
    task(now - datetime.timedelta(days=1), first_response=now - datetime.timedelta(hours=20))

    html = page(staff_en.get("/"))

    assert html.count('<svg class="chart-svg" viewBox="0 0 360 160" width="100%" role="img"') == 2
    assert '<title id="chart-opened-closed-title">' in html and '<title id="chart-first-response-title">' in html
    assert "<caption>Tasks created and closed per week</caption>" in html
    assert "<caption>Median first response time per week</caption>" in html
    # Coordinates are never written the Dutch way ("12,5"), whatever the language.
    staff_en.post("/i18n/setlang/", {"language": "nl"})
    dutch = page(staff_en.get("/"))
    points = dutch.split('points="')[1].split('"')[0]
    assert all(pair.count(",") == 1 for pair in points.split())


def test_the_numbers_are_cached_per_contractant(staff_en, django_assert_num_queries):
    task(timezone.now())
    first = opened_closed_chart()
    task(timezone.now())

    with django_assert_num_queries(0):
        again = opened_closed_chart()

    assert again.rows[-1].created == first.rows[-1].created == 1
    # Another contractant's home page has its own numbers, not the supplier's cached ones.
    alpha_home = page(logged_in_staff(ALPHA).get("/"))
    assert "chart-svg" not in alpha_home
    assert 'class="muted chart-empty"' in alpha_home
