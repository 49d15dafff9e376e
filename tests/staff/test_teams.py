"""Teams: a staff administrator keeps them; tasks are assigned to them (issue 16)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from staff.models import Team
from tasks.models import Task
from tests.conftest import STAFF_PASSWORD, SUPPLIER, client_for
from tests.factories import TaskFactory

User = get_user_model()


@pytest.fixture
def client_en(supplier_staff_client, in_supplier):
    supplier_staff_client.post("/i18n/setlang/", {"language": "en"})
    return supplier_staff_client


@pytest.fixture
def karin(in_supplier):
    return User.objects.create_user("karin@brightsoft.test", "karin@brightsoft.test", STAFF_PASSWORD, is_staff=True)


def test_an_administrator_creates_a_team_whose_lead_is_always_a_member(client_en, supplier_user, karin):
    response = client_en.post("/teams/new/", {"name": " Loonsupport ", "lead": karin.pk, "members": [supplier_user.pk]})

    team = Team.objects.get()
    assert response.status_code == 302 and team.name == "Loonsupport" and team.lead == karin
    assert set(team.members.all()) == {karin, supplier_user}
    listing = client_en.get("/teams/").content.decode()
    assert "Loonsupport" in listing and "<td>2</td>" in listing
    assert team.history.exists()  # who made it, when: the history records it


def test_a_team_name_is_taken_whatever_its_case(client_en):
    Team.objects.create(name="Loonsupport")

    response = client_en.post("/teams/new/", {"name": "LOONSUPPORT"})

    assert response.status_code == 200 and "There is already a team named LOONSUPPORT." in response.content.decode()
    assert Team.objects.count() == 1


def test_an_inactive_member_is_refused(client_en, karin):
    karin.is_active = False
    karin.save()

    response = client_en.post("/teams/new/", {"name": "Support", "members": [karin.pk]})

    assert response.status_code == 200 and not Team.objects.exists()


def test_other_staff_cannot_manage_teams(karin):
    client = client_for(SUPPLIER)
    client.post("/login/", {"username": karin.username, "password": STAFF_PASSWORD})

    assert client.get("/teams/").status_code == 403
    assert client.post("/teams/new/", {"name": "Eigen team"}).status_code == 403
    assert not Team.objects.exists()


def test_deleting_a_team_keeps_its_tasks_and_their_assignee(client_en, karin):
    team = Team.objects.create(name="Support")
    task = TaskFactory(team=team, assignee=karin)

    client_en.post(f"/teams/{team.pk}/delete/")

    task.refresh_from_db()
    assert not Team.objects.exists() and task.team is None and task.assignee == karin


def test_a_task_is_assigned_to_a_team_on_its_page_and_the_history_says_so(client_en, supplier_user):
    team = Team.objects.create(name="Support")
    task = TaskFactory(subject="Storing", priority=Task.Priority.NORMAL)

    page = client_en.get(f"/tasks/{task.pk}/").content.decode()
    assert 'name="team"' in page
    client_en.post(
        f"/tasks/{task.pk}/",
        {"subject": "Storing", "description": "", "priority": 2, "team": team.pk, "version": task.version},
    )

    task.refresh_from_db()
    assert task.team == team
    assert task.history.latest().team_id == team.pk


def test_a_team_of_another_contractant_is_not_found(alpha_staff_client, in_supplier):
    team = Team.objects.create(name="Support")

    assert alpha_staff_client.get(f"/teams/{team.pk}/").status_code in (403, 404)
