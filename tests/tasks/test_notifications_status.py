"""Status-change e-mails (rule 8): after commit, to whom the preferences ask, never twice per
change, threaded with the task's other e-mails. (Moved here from tests/portal.)"""

from __future__ import annotations

from email.utils import parseaddr

import pytest
from django.db import connection

from contacts.models import Contact
from tasks.conversation import post_staff_message
from tasks.models import Task, TaskEmail, TaskMessage
from tasks.notifications import notify_status_change
from tasks.reply_address import contractant_mail_domain, reply_token_of
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
        ([org_admin.email], f"[#{kassa.pk}] Kassa start niet")
    ]
    assert f'ticket #{kassa.pk} "Kassa start niet" changed to: Waiting.' in mailoutbox[0].body
    [(html, kind)] = mailoutbox[0].alternatives
    assert kind == "text/html"
    assert f'<p>The status of ticket #{kassa.pk} "Kassa start niet" changed to: Waiting.</p>' in html


def test_a_status_email_is_threaded_with_the_task_and_answers_to_its_reply_address(
    supplier, kassa, change_status, mailoutbox
):
    domain = contractant_mail_domain(supplier)

    change_status(kassa, Task.Status.WAITING)

    [mail] = mailoutbox
    headers = mail.message()
    assert headers["References"] == headers["In-Reply-To"] == f"<task-{kassa.reply_token}@{domain}>"
    assert headers["Message-ID"] == TaskEmail.objects.get().header_message_id
    assert headers["Message-ID"].startswith(f"<task-{kassa.reply_token}.")
    assert headers["Auto-Submitted"] == "auto-generated"
    [reply_to] = mail.reply_to
    local_part, _, reply_domain = parseaddr(reply_to)[1].partition("@")
    assert (reply_token_of(local_part), reply_domain) == (kassa.reply_token, domain)


def test_nothing_is_sent_before_the_change_commits(staff_en, kassa, mailoutbox):
    staff_en.post(f"/tasks/{kassa.pk}/status/", {"status": "waiting"})

    assert mailoutbox == []
    assert not TaskEmail.objects.exists()


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
    assert [message.to for message in mailoutbox] == [[org_admin.email]]
    assert "changed to: Closed." in mailoutbox[0].body


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
    sent = TaskEmail.objects.get()

    again = notify_status_change(task_id=kassa.pk, change_id=sent.change_id)
    notify_status_change_task.delay(connection.schema_name, kassa.pk, sent.change_id)

    assert again == 0
    assert recipients(mailoutbox) == [org_admin.email]
    assert (sent.direction, sent.contact, sent.address, sent.message) == ("out", org_admin, org_admin.email, None)


def test_a_change_of_another_task_is_not_sent_under_this_ones_number(kassa, org_admin, bakkerij, mailoutbox):
    other = TaskFactory(relations=[bakkerij], reporter=org_admin)
    change_id = other.history.values_list("history_id", flat=True).first()

    assert notify_status_change(task_id=kassa.pk, change_id=change_id) == 0
    assert mailoutbox == []


def test_a_second_change_is_a_new_email(kassa, org_admin, change_status, mailoutbox):
    change_status(kassa, Task.Status.WAITING)
    change_status(kassa, Task.Status.OPEN)

    assert ["changed to: Waiting." in mailoutbox[0].body, "changed to: Open." in mailoutbox[1].body] == [True, True]
    first, second = (mail.message() for mail in mailoutbox)
    assert first["Message-ID"] != second["Message-ID"]
    assert first["References"] == second["References"]


def test_the_same_status_again_is_no_change_and_sends_nothing(kassa, change_status, mailoutbox):
    change_status(kassa, Task.Status.OPEN)

    assert mailoutbox == []


def test_plain_text_email_shows_the_subject_as_written(org_admin, bakkerij, change_status, mailoutbox):
    task = TaskFactory(relations=[bakkerij], reporter=org_admin, subject="Loon & vakantiegeld")

    change_status(task, Task.Status.WAITING)

    assert '"Loon & vakantiegeld"' in mailoutbox[0].body
    assert mailoutbox[0].subject == f"[#{task.pk}] Loon & vakantiegeld"


def test_a_note_that_closes_the_task_sends_the_status_email_without_the_note(
    kassa, org_admin, supplier_user, mailoutbox, django_capture_on_commit_callbacks
):
    note = "INTERN: klant belt elke dag, niet op ingaan"
    with django_capture_on_commit_callbacks(execute=True):
        post_staff_message(
            task=kassa, body=note, kind=TaskMessage.Kind.NOTE, actor=supplier_user, set_status=Task.Status.CLOSED
        )

    [mail] = mailoutbox
    assert "changed to: Closed." in mail.body
    assert note not in mail.body and note not in mail.alternatives[0][0]
