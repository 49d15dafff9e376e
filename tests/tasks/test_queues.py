"""The task list's queues, column sorts, saved views and teams' tasks (issue 16)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from staff.models import Team
from tasks import services
from tasks.models import SavedView, Task
from tests.conftest import STAFF_PASSWORD, SUPPLIER, client_for
from tests.factories import TaskFactory

User = get_user_model()


@pytest.fixture
def client_en(supplier_staff_client, in_supplier):
    supplier_staff_client.post("/i18n/setlang/", {"language": "en"})
    return supplier_staff_client


@pytest.fixture
def colleague(in_supplier):
    return User.objects.create_user(
        "karin@brightsoft.test", "karin@brightsoft.test", STAFF_PASSWORD, is_staff=True, first_name="Karin"
    )


def logged_in(user):
    client = client_for(SUPPLIER)
    assert client.post("/login/", {"username": user.username, "password": STAFF_PASSWORD}).status_code == 302
    client.post("/i18n/setlang/", {"language": "en"})
    return client


def subjects(html: str) -> list[str]:
    return re.findall(r'<td class="cell-subject"><a href="/tasks/\d+/" title="[^"]*">([^<]+)</a>', html)


def test_breached_queue_lists_open_tasks_whose_sla_was_missed(client_en):
    now = timezone.now()
    TaskFactory(subject="Te laat", sla_breached_at=now)
    TaskFactory(subject="Op tijd")
    TaskFactory(subject="Te laat maar dicht", sla_breached_at=now, status=Task.Status.CLOSED)

    listed = subjects(client_en.get("/tasks/?queue=breached").content.decode())

    assert listed == ["Te laat"]


def test_due_today_lists_running_clocks_due_before_midnight(client_en):
    now = timezone.now()
    end_of_day = timezone.localtime(now).replace(hour=23, minute=59)
    TaskFactory(subject="Vandaag", resolution_due_at=end_of_day)
    TaskFactory(
        subject="Antwoord vandaag", response_due_at=end_of_day, resolution_due_at=now + datetime.timedelta(days=5)
    )
    TaskFactory(
        subject="Al beantwoord",
        response_due_at=end_of_day,
        first_response_at=now,
        resolution_due_at=now + datetime.timedelta(days=5),
    )
    TaskFactory(subject="Morgen", resolution_due_at=end_of_day + datetime.timedelta(days=1))
    TaskFactory(subject="Wacht", status=Task.Status.WAITING, resolution_due_at=end_of_day)

    listed = set(subjects(client_en.get("/tasks/?queue=due_today").content.decode()))

    assert listed == {"Vandaag", "Antwoord vandaag"}


def test_my_teams_queue_lists_the_open_tasks_of_the_teams_i_am_in(client_en, supplier_user, colleague):
    support, sales = Team.objects.create(name="Support"), Team.objects.create(name="Sales")
    support.members.add(supplier_user)
    sales.members.add(colleague)
    TaskFactory(subject="Voor support", team=support)
    TaskFactory(subject="Voor sales", team=sales)
    TaskFactory(subject="Support, dicht", team=support, status=Task.Status.CLOSED)

    page = client_en.get("/tasks/?queue=team").content.decode()

    assert subjects(page) == ["Voor support"]
    assert "· Support" in page  # the team is shown beside the assignee


def test_every_column_but_relations_sorts_both_ways(client_en):
    TaskFactory(subject="Bravo", priority=Task.Priority.LOW)
    TaskFactory(subject="Alfa", priority=Task.Priority.URGENT)
    TaskFactory(subject="Charlie", priority=Task.Priority.NORMAL)

    by_subject = client_en.get("/tasks/?sort=subject").content.decode()
    by_priority_down = client_en.get("/tasks/?sort=-priority").content.decode()

    assert subjects(by_subject) == ["Alfa", "Bravo", "Charlie"]
    assert subjects(by_priority_down) == ["Alfa", "Charlie", "Bravo"]
    # The sorted column says so, and its head now sorts the other way, keeping the filters.
    assert 'aria-sort="ascending"><a class="sort-link" href="?sort=-subject">' in by_subject
    assert 'aria-sort="descending"><a class="sort-link" href="?sort=priority">' in by_priority_down


def test_an_unknown_sort_is_the_newest_first_list(client_en):
    TaskFactory(subject="Oud")
    TaskFactory(subject="Nieuw")

    response = client_en.get("/tasks/?sort=;drop")

    assert response.status_code == 200 and subjects(response.content.decode()) == ["Nieuw", "Oud"]


def test_a_saved_view_keeps_the_filters_and_appears_as_a_queue(client_en, supplier_user):
    TaskFactory(subject="Hoog", priority=Task.Priority.HIGH, status=Task.Status.WAITING)

    response = client_en.post(
        "/tasks/views/",
        {"name": "  Wachtend  hoog ", "queue": "waiting", "sort": "-priority", "page": "3", "q": "", "evil": "x"},
    )

    view = SavedView.objects.get(owner=supplier_user)
    assert view.name == "Wachtend hoog" and view.query == "queue=waiting&sort=-priority" and not view.shared
    assert response.status_code == 302 and response["Location"] == "/tasks/?queue=waiting&sort=-priority"
    page = client_en.get(response["Location"]).content.decode()
    assert 'class="queue queue-saved is-current" aria-current="page"' in page and "Wachtend hoog" in page
    assert subjects(page) == ["Hoog"]


def test_a_shared_view_shows_for_colleagues_a_private_one_does_not(client_en, colleague):
    client_en.post("/tasks/views/", {"name": "Voor iedereen", "queue": "unassigned", "shared": "on"})
    client_en.post("/tasks/views/", {"name": "Alleen ik", "queue": "mine"})

    theirs = logged_in(colleague).get("/tasks/").content.decode()

    assert "Voor iedereen" in theirs and "Alleen ik" not in theirs


def test_saving_under_a_used_name_replaces_that_view(client_en, supplier_user):
    client_en.post("/tasks/views/", {"name": "Mijn lijst", "queue": "mine"})
    client_en.post("/tasks/views/", {"name": "Mijn lijst", "queue": "breached", "shared": "on"})

    views = list(SavedView.objects.filter(owner=supplier_user).values_list("name", "query", "shared"))

    assert views == [("Mijn lijst", "queue=breached", True)]


def test_a_view_without_a_name_is_refused_and_the_filters_stay(client_en):
    response = client_en.post("/tasks/views/", {"name": "   ", "queue": "waiting"}, follow=True)

    assert not SavedView.objects.exists()
    page = response.content.decode()
    assert "Give the view a name." in page or "This field is required." in page
    assert response.redirect_chain[-1][0] == "/tasks/?queue=waiting"


def test_only_its_owner_deletes_a_view(client_en, colleague):
    client_en.post("/tasks/views/", {"name": "Gedeeld", "queue": "all", "shared": "on"})
    view = SavedView.objects.get()

    refused = logged_in(colleague).post(f"/tasks/views/{view.pk}/delete/")
    deleted = client_en.post(f"/tasks/views/{view.pk}/delete/")

    assert refused.status_code == 404
    assert deleted.status_code == 302 and not SavedView.objects.exists()


def test_a_saved_view_of_another_contractant_is_not_found(alpha_staff_client, client_en):
    client_en.post("/tasks/views/", {"name": "Van de leverancier", "queue": "all"})
    view = SavedView.objects.get()

    response = alpha_staff_client.post(f"/tasks/views/{view.pk}/delete/")

    assert response.status_code == 404


def test_a_new_priority_moves_the_sla_due_times(in_supplier, supplier_user):
    task = services.task_create(actor=supplier_user, subject="Storing", priority=Task.Priority.LOW)
    low_due = task.resolution_due_at

    services.task_update(task=task, actor=supplier_user, data={"priority": Task.Priority.URGENT})

    task.refresh_from_db()
    assert task.resolution_due_at < low_due
    assert task.response_due_at <= task.resolution_due_at


def test_a_lowered_priority_undoes_a_breach_its_targets_no_longer_make(in_supplier, supplier_user):
    task = services.task_create(actor=supplier_user, subject="Storing", priority=Task.Priority.URGENT)
    Task.objects.filter(pk=task.pk).update(first_response_at=timezone.now(), sla_breached_at=timezone.now())
    task.refresh_from_db()

    services.task_update(task=task, actor=supplier_user, data={"priority": Task.Priority.LOW})

    task.refresh_from_db()
    assert task.sla_breached_at is None
