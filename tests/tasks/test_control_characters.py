"""A task's subject is one line: control characters are refused by the pages and the services,
and nothing is saved (issue 14, bad input)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tasks.models import Task
from tasks.services import task_create, task_update
from tests.factories import TaskFactory

REFUSED = "Line breaks, tabs and other control characters are not allowed here."


@pytest.fixture
def client_en(supplier_staff_client, in_supplier):
    supplier_staff_client.post("/i18n/setlang/", {"language": "en"})
    return supplier_staff_client


def test_the_task_pages_refuse_a_line_break_in_the_subject(client_en):
    task = TaskFactory(subject="Loonstrook")

    created = client_en.post("/tasks/new/", {"subject": "Nieuw\r\nBcc: x@example.test", "priority": 2})
    edited = client_en.post(f"/tasks/{task.pk}/", {"subject": "Loon\nstrook", "priority": 2, "version": 1})

    for response in [created, edited]:
        assert response.status_code == 200
        assert REFUSED in response.content.decode()
    assert list(Task.objects.values_list("subject", flat=True)) == ["Loonstrook"]


def test_the_task_services_refuse_control_characters_in_the_subject(supplier_user):
    task = TaskFactory(subject="Loonstrook")

    with pytest.raises(ValidationError) as on_create:
        task_create(actor=supplier_user, subject="Nieuw\x1b[31m")
    with pytest.raises(ValidationError) as on_update:
        task_update(task=task, actor=supplier_user, data={"subject": "Loon\tstrook"})

    assert on_create.value.message_dict["subject"] == [REFUSED]
    assert on_update.value.message_dict["subject"] == [REFUSED]
    assert list(Task.objects.values_list("subject", flat=True)) == ["Loonstrook"]


def test_a_multi_line_description_is_still_fine(supplier_user):
    task = task_create(actor=supplier_user, subject="Loonstrook", description="Regel 1\r\nRegel 2\tmet tab")

    assert Task.objects.get(pk=task.pk).description == "Regel 1\r\nRegel 2\tmet tab"
