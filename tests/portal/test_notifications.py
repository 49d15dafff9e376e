"""Status-change e-mails (rule 8): after commit, to whom the preferences ask, never twice per change."""

from __future__ import annotations

import pytest
from django.db import connection

from contacts.models import Contact
from tasks.models import NotificationLog, Task
from tasks.notifications import notify_status_change
from tasks.services import task_change_status
from tasks.tasks import notify_status_change_task
from tests.factories import TaskFactory


def prefer(contact: Contact, *, scope: str = "own", trigger: str = "every_change") -> None:
    Contact.objects.filter(pk=contact.pk).update(notify_scope=scope, notify_trigger=trigger)


def recipients(mailoutbox) -> list[str]:
    return sorted(address for message in mailoutbox for address in message.to)


@pytest.fixture
def change_status(supplier_user, django_capture_on_commit_callbacks):
    """Staff change a task's status; the transaction commits, so the queued e-mails go out."""

    def change(task: Task, status: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            task_change_status(task=Task.objects.get(pk=task.pk), status=status, actor=supplier_user)

    return change


@pytest.fixture
def kassa(org_admin, bakkerij) -> Task:
    """Bert reported a ticket for Bakkerij Jansen."""
    return TaskFactory(relations=[bakkerij], reporter=org_admin, subject="Kassa start niet")


def test_staff_status_change_emails_the_reporter_once(
    staff_en, kassa, org_admin, accountant, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_en.post(f"/tasks/{kassa.pk}/status/", {"status": "waiting"})

    assert response.status_code == 302
    assert [(message.to, message.subject) for message in mailoutbox] == [
        ([org_admin.email], f"Ticket #{kassa.pk} is now: Waiting")
    ]
    assert f'ticket #{kassa.pk} "Kassa start niet" changed to: Waiting.' in mailoutbox[0].body
    [(html, kind)] = mailoutbox[0].alternatives
    assert kind == "text/html"
    assert f'<p>The status of ticket #{kassa.pk} "Kassa start niet" changed to: Waiting.</p>' in html


def test_nothing_is_sent_before_the_change_commits(staff_en, kassa, mailoutbox):
    staff_en.post(f"/tasks/{kassa.pk}/status/", {"status": "waiting"})

    assert mailoutbox == []
    assert not NotificationLog.objects.exists()


def test_scope_all_reaches_a_contact_who_sees_all_tickets(kassa, org_admin, accountant, change_status, mailoutbox):
    prefer(accountant, scope="all")

    change_status(kassa, Task.Status.WAITING)

    assert recipients(mailoutbox) == [accountant.email, org_admin.email]


def test_scope_all_with_support_access_own_gets_nothing_for_someone_elses_task(
    accountant, org_admin, bouwbedrijf, change_status, mailoutbox
):
    prefer(accountant, scope="all")
    task = TaskFactory(relations=[bouwbedrijf], reporter=org_admin, subject="Urenregistratie bouw")

    change_status(task, Task.Status.WAITING)

    assert mailoutbox == []


def test_scope_all_with_support_access_own_still_gets_its_own_tasks(accountant, bouwbedrijf, change_status, mailoutbox):
    prefer(accountant, scope="all")
    task = TaskFactory(relations=[bouwbedrijf], reporter=accountant)

    change_status(task, Task.Status.WAITING)

    assert recipients(mailoutbox) == [accountant.email]


def test_trigger_on_close_gets_nothing_for_open_and_one_email_for_closed(kassa, org_admin, change_status, mailoutbox):
    prefer(org_admin, trigger="on_close")
    Task.objects.filter(pk=kassa.pk).update(status=Task.Status.NEW)

    change_status(kassa, Task.Status.OPEN)
    assert mailoutbox == []

    change_status(kassa, Task.Status.CLOSED)
    assert [(message.to, message.subject) for message in mailoutbox] == [
        ([org_admin.email], f"Ticket #{kassa.pk} is now: Closed")
    ]


def test_a_contact_linked_to_two_of_the_tasks_organisations_gets_one_email(
    accountant, bakkerij, bouwbedrijf, change_status, mailoutbox
):
    task = TaskFactory(relations=[bakkerij, bouwbedrijf], reporter=accountant)

    change_status(task, Task.Status.WAITING)

    assert recipients(mailoutbox) == [accountant.email]


def test_contacts_without_an_approved_link_or_out_of_service_get_nothing(
    kassa, org_admin, accountant, bakkerij, change_status, mailoutbox
):
    prefer(accountant, scope="all")
    accountant.links.filter(relation=bakkerij).update(status="requested")
    Contact.objects.filter(pk=org_admin.pk).update(status=Contact.Status.OUT_OF_SERVICE)

    change_status(kassa, Task.Status.WAITING)

    assert mailoutbox == []


def test_each_status_change_is_emailed_exactly_once(kassa, org_admin, change_status, mailoutbox):
    change_status(kassa, Task.Status.WAITING)
    log = NotificationLog.objects.get()

    again = notify_status_change(task_id=kassa.pk, change_id=log.change_id)
    notify_status_change_task.delay(connection.schema_name, kassa.pk, log.change_id)

    assert again == 0
    assert recipients(mailoutbox) == [org_admin.email]
    assert (log.contact, log.status) == (org_admin, "waiting")


def test_a_second_change_is_a_new_email(kassa, org_admin, change_status, mailoutbox):
    change_status(kassa, Task.Status.WAITING)
    change_status(kassa, Task.Status.OPEN)

    assert [message.subject for message in mailoutbox] == [
        f"Ticket #{kassa.pk} is now: Waiting",
        f"Ticket #{kassa.pk} is now: Open",
    ]


def test_the_same_status_again_is_no_change_and_sends_nothing(kassa, change_status, mailoutbox):
    change_status(kassa, Task.Status.OPEN)

    assert mailoutbox == []


def test_plain_text_email_shows_the_subject_as_written(org_admin, bakkerij, change_status, mailoutbox):
    task = TaskFactory(relations=[bakkerij], reporter=org_admin, subject="Loon & vakantiegeld")

    change_status(task, Task.Status.WAITING)

    assert '"Loon & vakantiegeld"' in mailoutbox[0].body
