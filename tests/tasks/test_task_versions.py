"""Two staff members editing one task: the second save from a stale form is refused, with what
changed meanwhile, and the first one's change is kept (issue 14, lost updates). What the edit
form does not show (status, links) does not make it stale."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from audit.updates import StaleVersionError
from contacts.services.merge import merge_contacts
from contacts.services.out_of_service import mark_out_of_service
from tasks.models import Task
from tasks.services import move_tasks, task_change_status, task_link_add, task_update
from tests.conftest import SUPPLIER, logged_in_staff
from tests.factories import ContactFactory, RelationFactory, TaskFactory


def english_staff_client():
    client = logged_in_staff(SUPPLIER)
    client.post("/i18n/setlang/", {"language": "en"})
    return client


def version_on(page: str) -> str:
    found = re.search(r'<input type="hidden" name="version" value="(\d+)"', page)
    assert found, "the edit form carries no version"
    return found.group(1)


def form_data(task: Task, version: str, **changes) -> dict:
    return {
        "subject": task.subject,
        "description": task.description,
        "priority": task.priority,
        "assignee": task.assignee_id or "",
        "reporter": task.reporter_id or "",
        "version": version,
        **changes,
    }


def test_a_save_from_a_stale_form_is_refused_and_the_first_save_is_kept(in_supplier):
    anna, bert = english_staff_client(), english_staff_client()
    task = TaskFactory(subject="Loonstrook klopt niet", priority=Task.Priority.NORMAL)
    url = f"/tasks/{task.pk}/"
    annas_version = version_on(anna.get(url).content.decode())
    berts_version = version_on(bert.get(url).content.decode())

    first = bert.post(url, form_data(task, berts_version, priority=Task.Priority.URGENT))
    second = anna.post(url, form_data(task, annas_version, subject="Loonstrook maart klopt niet"))

    assert first.status_code == 302
    assert second.status_code == 409
    page = second.content.decode()
    assert "Someone else saved changes after you opened this form, so yours were not saved." in page
    assert "Subject: now “Loonstrook klopt niet”, yours “Loonstrook maart klopt niet”." in page
    assert "Priority: now “Urgent”, yours “Normal”." in page
    assert 'value="Loonstrook maart klopt niet"' in page
    assert version_on(page) == "2"
    stored = Task.objects.get(pk=task.pk)
    assert (stored.subject, stored.priority, stored.version) == ("Loonstrook klopt niet", Task.Priority.URGENT, 2)


def test_task_update_refuses_a_stale_version_and_saves_nothing(supplier_user):
    task = TaskFactory(subject="Loonstrook", description="")
    task_update(task=task, actor=supplier_user, data={"description": "Maart"}, version=1)

    with pytest.raises(StaleVersionError) as refused:
        task_update(
            task=Task.objects.get(pk=task.pk),
            actor=supplier_user,
            data={"subject": "Loonstrook maart", "description": "", "assignee": supplier_user},
            version=1,
        )

    assert refused.value.code == "stale"
    assert refused.value.differences == [
        ("Subject", "Loonstrook", "Loonstrook maart"),
        ("Description", "Maart", "—"),
        ("Assignee", "—", str(supplier_user)),
    ]
    stored = Task.objects.get(pk=task.pk)
    assert (stored.subject, stored.description, stored.assignee, stored.version) == ("Loonstrook", "Maart", None, 2)


def test_status_changes_and_links_leave_an_open_edit_form_current(supplier_user):
    a, b = RelationFactory(), RelationFactory()
    task = TaskFactory(relations=[a], subject="Loonstrook")

    task_change_status(task=task, status=Task.Status.WAITING, actor=supplier_user)
    task_link_add(task=task, relation=b, actor=supplier_user)
    move_tasks(task_ids=[task.pk], from_relation=a, to_relation=RelationFactory(), actor=supplier_user)
    task_update(task=Task.objects.get(pk=task.pk), actor=supplier_user, data={"subject": "Loonstrook maart"}, version=1)

    stored = Task.objects.get(pk=task.pk)
    assert (stored.subject, stored.status, stored.version) == ("Loonstrook maart", Task.Status.WAITING, 2)


def test_a_reporter_handed_over_makes_an_open_edit_form_stale(supplier_user):
    leaving, successor = ContactFactory(last_name="Vertrek"), ContactFactory(last_name="Opvolger")
    duplicate = ContactFactory(last_name="Dubbel")
    handed_over = TaskFactory(reporter=leaving)
    merged = TaskFactory(reporter=duplicate)

    mark_out_of_service(contact=leaving, successor=successor, effective_date=timezone.localdate(), actor=supplier_user)
    merge_contacts(survivor=successor, duplicate=duplicate, actor=supplier_user)

    assert Task.objects.get(pk=handed_over.pk).version == 2
    assert Task.objects.get(pk=merged.pk).version == 2
    with pytest.raises(StaleVersionError):
        task_update(
            task=Task.objects.get(pk=handed_over.pk), actor=supplier_user, data={"reporter": leaving}, version=1
        )
