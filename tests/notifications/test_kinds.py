"""What creates a notification (issue 16, deliverable 5): a mention in an internal note, a task
assigned by someone else, a customer's reply, a request waiting for staff, an SLA breach; each
under the bell, and by e-mail as the staff member's preference asks (never a second e-mail)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from notifications.mentions import handles_in, mentioned_staff
from notifications.models import Notification, NotificationPreference
from notifications.services import send_notification_email
from portal.services import request_membership
from tasks.conversation import post_customer_reply, post_staff_message
from tasks.models import Task, TaskMessage
from tasks.notifications import notify_assignment, notify_customer_reply
from tasks.services import task_update
from tasks.sla import flag_breaches
from tests.factories import RelationFactory, TaskFactory
from tests.notifications.conftest import staff_member


def texts_of(user) -> list[str]:
    return [n.text for n in Notification.objects.filter(recipient=user).order_by("pk")]


def app_only(user, kind: str) -> None:
    NotificationPreference.objects.create(user=user, kind=kind, email=False)


@pytest.fixture
def note(supplier_user, django_capture_on_commit_callbacks):
    def post(task: Task, body: str, *, kind: str = TaskMessage.Kind.NOTE, actor=None) -> TaskMessage:
        with django_capture_on_commit_callbacks(execute=True):
            return post_staff_message(task=task, body=body, kind=kind, actor=actor or supplier_user)

    return post


# --- Mentions -------------------------------------------------------------------------------


def test_handles_are_found_but_email_addresses_are_not_mentions():
    assert handles_in("@Karin kijk jij? Mail info@bakkerij.nl of @karin.devries.") == ["karin", "karin.devries"]


def test_a_mention_in_an_internal_note_notifies_the_mentioned_person_once_and_by_email(
    supplier_user, karin, note, mailoutbox
):
    task = TaskFactory(subject="Loonstrook klopt niet")

    note(task, "@karin kun jij dit oppakken? @Karin.DeVries weet het ook. @staff ik kijk mee.")

    assert texts_of(karin) == [
        f"{supplier_user.email} mentioned you in an internal note on task #{task.pk}: Loonstrook klopt niet"
    ]
    assert texts_of(supplier_user) == []  # the author, mentioning themselves, hears nothing
    [mail] = mailoutbox
    assert mail.to == [karin.email]
    assert f"task #{task.pk}" in mail.subject
    assert "/notifications/preferences/" in mail.body
    message = TaskMessage.objects.get(task=task)
    assert f"/tasks/{task.pk}/#message-{message.code}" in mail.body


def test_the_mention_email_goes_once_however_often_the_job_runs(karin, note, mailoutbox):
    note(TaskFactory(), "@karin graag")
    notification = Notification.objects.get(recipient=karin)

    assert send_notification_email(notification_id=notification.pk) is False
    assert len(mailoutbox) == 1


def test_a_mention_in_a_public_reply_notifies_nobody(karin, note, mailoutbox):
    note(TaskFactory(), "Beste klant, @karin belt u morgen.", kind=TaskMessage.Kind.REPLY)

    assert texts_of(karin) == []
    assert all(karin.email not in mail.to for mail in mailoutbox)


def test_an_ambiguous_first_name_notifies_neither_but_the_mailbox_name_does(in_supplier, supplier_user):
    one = staff_member("jan.a@brightsoft.test", first_name="Jan")
    staff_member("jan.b@brightsoft.test", first_name="Jan")
    staff_member("weg@brightsoft.test", first_name="Weg", is_active=False)

    assert mentioned_staff("@jan en @weg", author=supplier_user) == []
    assert mentioned_staff("@jan.a", author=supplier_user) == [one]


def test_a_mention_chosen_as_in_the_app_only_sends_no_email(karin, note, mailoutbox):
    app_only(karin, "mention")

    note(TaskFactory(), "@karin")

    assert len(texts_of(karin)) == 1 and mailoutbox == []


# --- Assignment -------------------------------------------------------------------------------


def test_an_assignment_by_someone_else_notifies_and_emails_once(
    supplier_user, karin, mailoutbox, django_capture_on_commit_callbacks
):
    task = TaskFactory(subject="Loonstrook klopt niet")

    with django_capture_on_commit_callbacks(execute=True):
        task_update(task=task, actor=supplier_user, data={"assignee": karin})

    assert texts_of(karin) == [f"{supplier_user.email} assigned task #{task.pk} to you: Loonstrook klopt niet"]
    [mail] = mailoutbox  # the existing assignment e-mail, not a second one
    assert mail.to == [karin.email] and f"assigned task #{task.pk} to you" in mail.body
    change_id = Task.history.filter(id=task.pk).order_by("-history_id").values_list("history_id", flat=True)[0]
    assert notify_assignment(task_id=task.pk, change_id=change_id) == 0
    assert len(texts_of(karin)) == 1 and len(mailoutbox) == 1


def test_an_assignment_chosen_as_in_the_app_only_is_not_emailed(
    supplier_user, karin, mailoutbox, django_capture_on_commit_callbacks
):
    app_only(karin, "assigned")
    task = TaskFactory()

    with django_capture_on_commit_callbacks(execute=True):
        task_update(task=task, actor=supplier_user, data={"assignee": karin})

    assert len(texts_of(karin)) == 1
    assert mailoutbox == []


def test_taking_a_task_oneself_notifies_nobody(supplier_user, mailoutbox, django_capture_on_commit_callbacks):
    task = TaskFactory()

    with django_capture_on_commit_callbacks(execute=True):
        task_update(task=task, actor=supplier_user, data={"assignee": supplier_user})

    assert texts_of(supplier_user) == [] and mailoutbox == []


# --- Customer replies -------------------------------------------------------------------------


@pytest.fixture
def customer_reply(django_capture_on_commit_callbacks):
    def post(task: Task, contact) -> TaskMessage:
        with django_capture_on_commit_callbacks(execute=True):
            return post_customer_reply(
                task=Task.objects.get(pk=task.pk), body="Het klopt nog steeds niet.", contact=contact, channel="portal"
            )

    return post


def test_a_customer_reply_notifies_the_assignee_and_emails_them_once(
    karin, supplier_user, accountant, bakkerij, customer_reply, mailoutbox
):
    task = TaskFactory(relations=[bakkerij], reporter=accountant, assignee=karin, subject="Loonstrook")

    message = customer_reply(task, accountant)

    assert texts_of(karin) == [f"Anneke Visser replied to task #{task.pk}: Loonstrook"]
    assert texts_of(supplier_user) == []
    assert [mail.to for mail in mailoutbox] == [[karin.email]]
    assert notify_customer_reply(message_id=message.pk) == 0
    assert len(texts_of(karin)) == 1 and len(mailoutbox) == 1


def test_a_customer_reply_on_an_unassigned_task_reaches_all_staff_each_as_they_chose(
    karin, supplier_user, accountant, bakkerij, customer_reply, mailoutbox
):
    app_only(supplier_user, "customer_reply")
    task = TaskFactory(relations=[bakkerij], reporter=accountant, subject="Loonstrook")

    customer_reply(task, accountant)

    assert len(texts_of(karin)) == 1 and len(texts_of(supplier_user)) == 1
    assert [mail.to for mail in mailoutbox] == [[karin.email]]


# --- Requests waiting and SLA warnings ----------------------------------------------------------


def test_a_claim_waiting_for_staff_notifies_the_administrators(
    supplier_user, karin, stranger, mailoutbox, django_capture_on_commit_callbacks
):
    RelationFactory(name="Garage Snel", customer_number="K2001", coc_number="45678901")

    with django_capture_on_commit_callbacks(execute=True):
        request_membership(
            contact=stranger, customer_number="K2001", coc_number="45678901", actor=stranger.user, client_address=None
        )

    [text] = texts_of(supplier_user)
    assert "asked to join Garage Snel, which has no portal administrator" in text
    assert Notification.objects.get(recipient=supplier_user).url == "/portal-requests/"
    assert texts_of(karin) == []  # not an administrator
    assert mailoutbox == []  # requests waiting are in the app only by default


def test_an_sla_breach_warns_the_assignee_and_those_it_escalates_to(
    supplier_user, karin, mailoutbox, django_capture_on_commit_callbacks
):
    past = timezone.now() - datetime.timedelta(hours=1)
    mine = TaskFactory(subject="Van Karin", assignee=karin, response_due_at=past)
    nobodys = TaskFactory(subject="Van niemand", response_due_at=past)

    with django_capture_on_commit_callbacks(execute=True):
        flag_breaches()
    with django_capture_on_commit_callbacks(execute=True):
        flag_breaches()  # nothing new: nobody is warned twice

    assert texts_of(karin) == [f"The SLA of task #{mine.pk} is breached: Van Karin"]
    # The administrators (no team lead here) hear of every breach: both are escalated to them.
    assert sorted(texts_of(supplier_user)) == sorted(
        [
            f"The SLA of task #{mine.pk} is breached: Van Karin",
            f"The SLA of task #{nobodys.pk} is breached: Van niemand",
        ]
    )
    # Only the team lead's existing escalation e-mails: SLA warnings are in the app by default.
    assert sorted(mail.subject for mail in mailoutbox) == sorted(
        [f"SLA breached: [#{mine.pk}] Van Karin", f"SLA breached: [#{nobodys.pk}] Van niemand"]
    )
    assert all(mail.to == [supplier_user.email] for mail in mailoutbox)
    connection.set_schema_to_public()
