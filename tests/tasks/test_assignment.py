"""Assignment (issue 16, deliverable 3): take a task in one click; a task assigned by someone
else e-mails its new assignee once; the timeline shows who took it."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tasks.services import task_update
from tasks.timeline import task_timeline
from tests.factories import TaskFactory


@pytest.fixture
def colleague(in_supplier):
    return get_user_model().objects.create_user(
        "cor@brightsoft.test", "cor@brightsoft.test", first_name="Cor", last_name="Collega", is_staff=True
    )


def test_take_assigns_the_task_to_me_and_tells_nobody(
    staff_en, supplier_user, mailoutbox, django_capture_on_commit_callbacks
):
    task = TaskFactory(subject="Niemand pakt dit op")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_en.post(f"/tasks/{task.pk}/take/", follow=True)

    task.refresh_from_db()
    assert task.assignee == supplier_user
    assert f"Task #{task.pk} is now yours." in response.content.decode()
    assert "Take this task" not in response.content.decode()
    assert any(line.startswith("Assigned to ") for entry in task_timeline(task) for line in entry.lines)
    assert mailoutbox == []


def test_a_task_assigned_by_someone_else_mails_the_new_assignee_once(
    supplier_user, colleague, mailoutbox, django_capture_on_commit_callbacks
):
    from tasks.models import Task
    from tasks.notifications import notify_assignment

    task = TaskFactory(subject="Loonstrook klopt niet")
    with django_capture_on_commit_callbacks(execute=True):
        task_update(task=task, actor=supplier_user, data={"assignee": colleague})

    [mail] = mailoutbox
    assert mail.to == ["cor@brightsoft.test"] and mail.subject == f"[#{task.pk}] Loonstrook klopt niet"
    assert f"assigned task #{task.pk} to you" in mail.body
    change_id = Task.history.filter(id=task.pk).order_by("-history_id").values_list("history_id", flat=True)[0]
    assert notify_assignment(task_id=task.pk, change_id=change_id) == 0  # a retry sends nothing
    assert len(mailoutbox) == 1


def test_another_contractants_staff_cannot_take_the_task(in_supplier):
    from tests.conftest import ALPHA, logged_in_staff

    task = TaskFactory()

    assert logged_in_staff(ALPHA).post(f"/tasks/{task.pk}/take/").status_code == 404
