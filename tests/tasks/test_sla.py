"""SLA (issue 16): business minutes across weekends, Dutch public holidays and DST; the clock on
a task (pause while waiting, resume, first response); breaches flagged by the beat job; the
sentence on the task page."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from django.utils.translation import override

from tasks.conversation import post_staff_message
from tasks.models import SlaPolicy, Task, TaskMessage
from tasks.services import task_change_status, task_create
from tasks.sla import (
    BusinessCalendar,
    add_business_minutes,
    business_minutes_between,
    calendar_for,
    dutch_holidays,
    flag_breaches,
    sla_state,
)
from tasks.tasks import flag_sla_breaches_task
from tests.factories import TaskFactory

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
CALENDAR = BusinessCalendar(
    tz=AMS, opens=datetime.time(8, 30), closes=datetime.time(17, 30), closed_days=dutch_holidays()
)


def at(year, month, day, hour, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=AMS)


# --- The computation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "minutes", "due"),
    [
        # Within one day, and from before opening / after closing.
        (at(2026, 12, 1, 9, 0), 60, at(2026, 12, 1, 10, 0)),
        (at(2026, 12, 1, 7, 0), 30, at(2026, 12, 1, 9, 0)),
        (at(2026, 12, 1, 19, 0), 30, at(2026, 12, 2, 9, 0)),
        (at(2026, 12, 1, 17, 0), 30, at(2026, 12, 1, 17, 30)),
        # A weekend: Friday 17:00 + 1 h is Monday 09:00.
        (at(2026, 12, 4, 17, 0), 60, at(2026, 12, 7, 9, 0)),
        (at(2026, 12, 5, 12, 0), 60, at(2026, 12, 7, 9, 30)),
        # Koningsdag, Monday 27 April 2026: Friday 17:00 + 1 h is Tuesday 09:00.
        (at(2026, 4, 24, 17, 0), 60, at(2026, 4, 28, 9, 0)),
        # Easter 2026: Good Friday 3 April and Tweede Paasdag 6 April are closed.
        (at(2026, 4, 2, 17, 0), 60, at(2026, 4, 7, 9, 0)),
        # Christmas 2026: Friday 25 and Saturday 26 December, then the weekend.
        (at(2026, 12, 24, 17, 0), 60, at(2026, 12, 28, 9, 0)),
        # Five business days (normal resolution) from a Tuesday morning: the next Tuesday.
        (at(2026, 12, 1, 10, 0), 5 * 540, at(2026, 12, 8, 10, 0)),
    ],
)
def test_add_business_minutes(start, minutes, due):
    assert add_business_minutes(start, minutes, CALENDAR) == due
    assert business_minutes_between(start, due, CALENDAR) == minutes


def test_dst_start_and_end_keep_business_hours_in_local_time():
    # Summer time starts Sunday 29 March 2026: Monday opens at 08:30 CEST = 06:30 UTC.
    due = add_business_minutes(at(2026, 3, 27, 17, 0), 60, CALENDAR)
    assert due == at(2026, 3, 30, 9, 0)
    assert due.astimezone(datetime.UTC) == datetime.datetime(2026, 3, 30, 7, 0, tzinfo=datetime.UTC)
    # Winter time returns Sunday 25 October 2026: Monday 09:00 CET = 08:00 UTC.
    due = add_business_minutes(at(2026, 10, 23, 17, 0), 60, CALENDAR)
    assert due.astimezone(datetime.UTC) == datetime.datetime(2026, 10, 26, 8, 0, tzinfo=datetime.UTC)
    # A week across the change is still five business days.
    assert business_minutes_between(at(2026, 3, 23, 8, 30), at(2026, 3, 30, 8, 30), CALENDAR) == 5 * 540


def test_business_minutes_between():
    assert business_minutes_between(at(2026, 12, 4, 17, 0), at(2026, 12, 7, 9, 0), CALENDAR) == 60
    assert business_minutes_between(at(2026, 12, 5, 9, 0), at(2026, 12, 6, 17, 0), CALENDAR) == 0
    assert business_minutes_between(at(2026, 12, 7, 9, 0), at(2026, 12, 4, 17, 0), CALENDAR) == -60
    # Koningsdag week (Monday closed): four business days.
    assert business_minutes_between(at(2026, 4, 26, 12, 0), at(2026, 5, 2, 12, 0), CALENDAR) == 4 * 540


def test_business_minutes_over_years_count_every_day():
    """A task overdue since last year: the whole days between come from a running total per
    year, and give what counting day by day gives (weekends, holidays, DST)."""
    plain = BusinessCalendar(tz=AMS, opens=datetime.time(9, 0), closes=datetime.time(18, 0))
    # 2025 has 261 weekdays.
    assert business_minutes_between(at(2025, 1, 1, 0), at(2026, 1, 1, 0), plain) == 261 * 540

    def day_by_day(a, b, calendar):
        total, day = datetime.timedelta(), a.date()
        while day <= b.date():
            if calendar.is_business_day(day):
                opens, closes = calendar.window(day)
                begin, end = max(a, opens), min(b, closes)
                total += max(end - begin, datetime.timedelta())
            day += datetime.timedelta(days=1)
        return int(total.total_seconds() // 60)

    for a, b in [
        (at(2024, 11, 28, 10, 15), at(2026, 12, 2, 16, 40)),
        (at(2025, 12, 31, 17, 0), at(2026, 1, 2, 9, 0)),
        (at(2023, 2, 27, 8, 0), at(2026, 4, 28, 12, 0)),
    ]:
        assert business_minutes_between(a, b, CALENDAR) == day_by_day(a, b, CALENDAR)
        assert business_minutes_between(b, a, CALENDAR) == -day_by_day(a, b, CALENDAR)


def test_a_whole_day_across_the_dst_change_has_its_real_length():
    # Open all day, every day: 29 March 2026 (clocks forward) has one hour less.
    always = BusinessCalendar(
        tz=AMS, opens=datetime.time(0, 0), closes=datetime.time(23, 59), weekdays=frozenset(range(1, 8))
    )
    assert business_minutes_between(at(2026, 3, 27, 0), at(2026, 4, 1, 0), always) == 5 * 1439 - 60
    assert business_minutes_between(at(2026, 10, 23, 0), at(2026, 10, 28, 0), always) == 5 * 1439 + 60


def test_without_holidays_a_holiday_is_a_business_day():
    plain = BusinessCalendar(tz=AMS, opens=datetime.time(8, 30), closes=datetime.time(17, 30))
    assert add_business_minutes(at(2026, 4, 24, 17, 0), 60, plain) == at(2026, 4, 27, 9, 0)


def test_policy_defaults():
    policy = SlaPolicy()
    assert policy.targets(Task.Priority.URGENT) == (60, 8 * 60)
    assert policy.targets(Task.Priority.NORMAL) == (8 * 60, 5 * 540)
    assert calendar_for(policy).day_minutes == 540


# --- The clock on a task --------------------------------------------------------------------


def test_create_sets_due_times(supplier_user):
    task = task_create(actor=supplier_user, subject="Kassa start niet", priority=Task.Priority.URGENT)
    task.refresh_from_db()
    calendar = calendar_for(SlaPolicy())
    assert business_minutes_between(task.created_at, task.response_due_at, calendar) in (59, 60)
    assert business_minutes_between(task.created_at, task.resolution_due_at, calendar) in (479, 480)
    assert task.first_response_at is None and task.sla_paused_at is None


def test_waiting_pauses_and_resuming_moves_the_due_times(supplier_user):
    task = task_create(actor=supplier_user, subject="Factuur klopt niet")
    task_change_status(task=task, status=Task.Status.WAITING, actor=supplier_user)
    task.refresh_from_db()
    assert task.sla_paused_at is not None
    assert sla_state(task, timezone.now()).sentence == "Paused: waiting for the customer"

    # The customer took a week (five business days) to answer.
    paused_at = timezone.now() - datetime.timedelta(days=7)
    Task.objects.filter(pk=task.pk).update(sla_paused_at=paused_at)
    task.refresh_from_db()
    resolution_before, response_before = task.resolution_due_at, task.response_due_at
    task_change_status(task=task, status=Task.Status.OPEN, actor=supplier_user)
    task.refresh_from_db()

    calendar = calendar_for(SlaPolicy())
    assert task.sla_paused_at is None
    assert 5 * 540 - 1 <= task.sla_paused_minutes <= 5 * 540 + 1
    assert task.resolution_due_at == add_business_minutes(resolution_before, task.sla_paused_minutes, calendar)
    assert task.response_due_at == add_business_minutes(response_before, task.sla_paused_minutes, calendar)


def test_closing_is_met_and_history_stays_quiet(supplier_user):
    task = task_create(actor=supplier_user, subject="Wachtwoord vergeten")
    task_change_status(task=task, status=Task.Status.CLOSED, actor=supplier_user)
    task.refresh_from_db()
    assert sla_state(task, timezone.now()).sentence == "Met"
    assert sla_state(task, timezone.now()).level == "ok"
    assert not hasattr(task.history.model, "sla_paused_at")


def test_first_public_reply_is_the_first_response(supplier_user):
    task = task_create(actor=supplier_user, subject="Printer")
    post_staff_message(task=task, body="Intern", kind=TaskMessage.Kind.NOTE, actor=supplier_user)
    task.refresh_from_db()
    assert task.first_response_at is None
    first = post_staff_message(task=task, body="We kijken ernaar.", kind=TaskMessage.Kind.REPLY, actor=supplier_user)
    post_staff_message(task=task, body="Nog even geduld.", kind=TaskMessage.Kind.REPLY, actor=supplier_user)
    task.refresh_from_db()
    assert task.first_response_at == first.created_at
    assert sla_state(task, timezone.now()).sentence.startswith("Resolve before ")


def test_state_sentences(in_supplier):
    now = at(2026, 12, 1, 11, 0)  # Tuesday
    task = Task(status=Task.Status.OPEN, priority=Task.Priority.NORMAL)
    task.response_due_at, task.resolution_due_at = at(2026, 12, 1, 14, 0), at(2026, 12, 8, 11, 0)
    state = sla_state(task, now)
    assert (state.sentence, state.level) == ("Respond before Tue 14:00 (3 h left)", "ok")
    task.response_due_at = at(2026, 12, 1, 12, 0)
    assert sla_state(task, now).level == "warn"
    assert sla_state(task, at(2026, 12, 1, 14, 0)).sentence == "Response overdue by 2 h"
    assert sla_state(task, at(2026, 12, 1, 14, 0)).level == "bad"
    task.first_response_at = at(2026, 12, 1, 11, 30)
    assert sla_state(task, now).sentence == "Resolve before 8 Dec 11:00 (5 business days left)"
    with override("nl"):
        assert sla_state(task, now).sentence == "Oplossen vóór 8 dec 11:00 (nog 5 werkdagen)"


# --- Breaches -------------------------------------------------------------------------------


def test_beat_job_flags_breaches_once_and_mails_the_team_lead(
    supplier_user, mailoutbox, django_capture_on_commit_callbacks
):
    past = timezone.now() - datetime.timedelta(hours=1)
    late = TaskFactory(
        subject="Te laat", response_due_at=past, resolution_due_at=timezone.now() + datetime.timedelta(days=3)
    )
    answered = TaskFactory(
        subject="Beantwoord",
        response_due_at=past,
        first_response_at=past,
        resolution_due_at=timezone.now() + datetime.timedelta(days=3),
    )
    waiting = TaskFactory(subject="Wacht", status=Task.Status.WAITING, resolution_due_at=past)

    with django_capture_on_commit_callbacks(execute=True):
        assert flag_sla_breaches_task("supplier") == 1
    assert supplier_user.is_superuser
    assert [(message.to, message.subject) for message in mailoutbox] == [
        ([supplier_user.email], f"SLA breached: [#{late.pk}] Te laat")
    ]
    assert "Response overdue by" in mailoutbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        assert flag_breaches() == []
    assert len(mailoutbox) == 1
    assert Task.objects.get(pk=late.pk).sla_breached_at is not None
    assert Task.objects.get(pk=answered.pk).sla_breached_at is None
    assert Task.objects.get(pk=waiting.pk).sla_breached_at is None


# --- Pages ----------------------------------------------------------------------------------


def test_task_page_shows_the_sla_sentence(staff_en, supplier_user):
    task = task_create(actor=supplier_user, subject="Scherm blijft zwart")
    Task.objects.filter(pk=task.pk).update(response_due_at=timezone.now() - datetime.timedelta(hours=3))
    html = staff_en.get(f"/tasks/{task.pk}/").content.decode()
    assert 'id="task-sla"' in html
    assert '<span class="badge badge-bad">Response overdue by' in html


def test_policy_page_is_for_administrators_and_saves(staff_en, supplier_user):
    response = staff_en.get("/tasks/sla/")
    assert response.status_code == 200
    data = {
        "time_zone": "Europe/Amsterdam",
        "business_days": ["1", "2", "3", "4", "5", "6"],
        "opens_at": "08:00",
        "closes_at": "17:00",
        "dutch_public_holidays": "on",
        "response_minutes_low": 960,
        "response_minutes_normal": 480,
        "response_minutes_high": 240,
        "response_minutes_urgent": 30,
        "resolution_minutes_low": 5400,
        "resolution_minutes_normal": 2700,
        "resolution_minutes_high": 1080,
        "resolution_minutes_urgent": 480,
    }
    assert staff_en.post("/tasks/sla/", data).status_code == 302
    policy = SlaPolicy.objects.get()
    assert (policy.business_days, policy.response_minutes_urgent, policy.opens_at) == (
        "123456",
        30,
        datetime.time(8, 0),
    )
    data["closes_at"] = "07:00"
    assert staff_en.post("/tasks/sla/", data).status_code == 200
    assert SlaPolicy.objects.count() == 1


def test_a_breach_of_a_team_task_escalates_to_its_lead_not_the_administrators(
    supplier_user, mailoutbox, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    from notifications.models import Notification
    from staff.models import Team

    lead = get_user_model().objects.create_user("lead@brightsoft.test", "lead@brightsoft.test", is_staff=True)
    team = Team.objects.create(name="Loonsupport", lead=lead)
    past = timezone.now() - datetime.timedelta(hours=1)
    late = TaskFactory(subject="Te laat", team=team, response_due_at=past, resolution_due_at=past)

    with django_capture_on_commit_callbacks(execute=True):
        assert flag_breaches() == [late.pk]

    assert [message.to for message in mailoutbox] == [[lead.email]]
    assert list(Notification.objects.filter(kind="sla_warning").values_list("recipient__username", flat=True)) == [
        lead.username
    ]
