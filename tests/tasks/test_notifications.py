"""E-mail out (issue 15): a staff member's public reply reaches the contacts whose preference
asks for it, threaded, answerable, once; an internal note or a held e-mail never does. A
customer's reply reaches the assignee, or every active staff member while nobody is assigned."""

from __future__ import annotations

import datetime
import re
from email.utils import parseaddr

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from contacts.models import Contact, ContactLink
from tasks.conversation import hold_message_for_review, post_customer_reply, post_staff_message
from tasks.models import Task, TaskAttachment, TaskEmail, TaskMessage
from tasks.notifications import notify_customer_reply, notify_public_reply
from tasks.reply_address import contractant_mail_domain, reply_token_of, support_address
from tasks.tasks import notify_customer_reply_task, notify_public_reply_task
from tests.factories import TaskFactory

INTERNAL = "INTERN: klant is lastig, niet doorsturen"
PUBLIC = "Wij hebben de loonstrook opnieuw aangemaakt."
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
User = get_user_model()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def task(accountant, bakkerij, supplier_user) -> Task:
    """Anneke reported it for Bakkerij Jansen (where she sees every task); assigned to staff."""
    return TaskFactory(
        relations=[bakkerij], reporter=accountant, assignee=supplier_user, subject="Loonstrook klopt niet"
    )


@pytest.fixture
def reply(supplier_user, django_capture_on_commit_callbacks):
    """Staff post a public reply; it commits, so the worker (eager) e-mails it."""

    def post(task: Task, body: str = PUBLIC, *, files: list[tuple[str, bytes]] = (), **options) -> TaskMessage:
        with django_capture_on_commit_callbacks(execute=True):
            message = post_staff_message(
                task=Task.objects.get(pk=task.pk),
                body=body,
                kind=TaskMessage.Kind.REPLY,
                actor=supplier_user,
                **options,
            )
            for name, content in files:
                attach(message, name, content)
        return message

    return post


@pytest.fixture
def note(supplier_user):
    def post(task: Task, body: str = INTERNAL) -> TaskMessage:
        return post_staff_message(task=task, body=body, kind=TaskMessage.Kind.NOTE, actor=supplier_user)

    return post


@pytest.fixture
def customer_reply(django_capture_on_commit_callbacks):
    def post(task: Task, contact: Contact, body: str = "Dank, maar het bedrag klopt nog steeds niet.") -> TaskMessage:
        with django_capture_on_commit_callbacks(execute=True):
            return post_customer_reply(
                task=Task.objects.get(pk=task.pk), body=body, contact=contact, channel="portal", actor=contact.user
            )

    return post


def attach(message: TaskMessage, name: str, content: bytes) -> TaskAttachment:
    attachment = TaskAttachment(
        task=message.task, message=message, name=name, content_type="application/pdf", size=len(content)
    )
    attachment.file.save(attachment.code.hex, ContentFile(content), save=False)
    attachment.save()
    return attachment


def staff_member(email: str, **fields):
    return User.objects.create_user(username=email, email=email, is_staff=True, **fields)


def prefer(contact: Contact, *, scope: str = "own", trigger: str = "every_change") -> None:
    Contact.objects.filter(pk=contact.pk).update(notify_scope=scope, notify_trigger=trigger)


def html_of(mail) -> str:
    [(html, kind)] = mail.alternatives
    assert kind == "text/html"
    return html


def everything_in(mail) -> str:
    """Every part a recipient could read: subject, text, HTML, attachment names and contents."""
    parts = [mail.subject, mail.body, html_of(mail)]
    for name, content, _mimetype in mail.attachments:
        parts += [name, content.decode("latin-1") if isinstance(content, bytes) else str(content)]
    return "\n".join(parts)


# --- Who gets a reply ---------------------------------------------------------------------


def test_a_public_reply_is_emailed_to_the_reporter_as_text_and_html(supplier, task, accountant, reply, mailoutbox):
    reply(task)

    [mail] = mailoutbox
    assert mail.to == [accountant.email]
    assert mail.subject == f"[#{task.pk}] Loonstrook klopt niet"
    assert PUBLIC in mail.body
    assert PUBLIC in html_of(mail)
    assert parseaddr(mail.from_email) == ("Brightsoft Support", support_address(supplier))


# scope, trigger, the contact reported it, her support access there, the reply closes the task
MATRIX = [
    ("own", "every_change", True, "all", False, True),
    ("own", "every_change", True, "all", True, True),
    ("own", "every_change", False, "all", False, False),
    ("all", "every_change", False, "all", False, True),
    ("all", "every_change", False, "own", False, False),
    ("all", "every_change", True, "own", False, True),
    ("own", "on_close", True, "all", False, False),
    ("own", "on_close", True, "all", True, True),
    ("all", "on_close", False, "all", False, False),
    ("all", "on_close", False, "all", True, True),
    ("all", "on_close", False, "own", True, False),
]


@pytest.mark.parametrize(("scope", "trigger", "reported", "access", "closes", "emailed"), MATRIX)
def test_the_preference_matrix_for_replies(
    accountant, org_admin, bakkerij, bouwbedrijf, reply, mailoutbox, scope, trigger, reported, access, closes, emailed
):
    # Anneke sees every task of the bakery and only her own of the builder's.
    relation = bakkerij if access == "all" else bouwbedrijf
    task = TaskFactory(relations=[relation], reporter=accountant if reported else org_admin)
    prefer(accountant, scope=scope, trigger=trigger)
    prefer(org_admin, trigger="on_close")  # Bert stays out of it, unless the reply closes it

    reply(task, set_status=Task.Status.CLOSED if closes else None)

    assert (accountant.email in [address for mail in mailoutbox for address in mail.to]) is emailed


def test_on_close_contacts_do_not_hear_of_a_reply_to_a_task_closed_before_it(accountant, bakkerij, reply, mailoutbox):
    task = TaskFactory(relations=[bakkerij], reporter=accountant, status=Task.Status.CLOSED)
    Task.objects.filter(pk=task.pk).update(closed_at=timezone.now() - datetime.timedelta(hours=1))
    prefer(accountant, trigger="on_close")

    reply(task)

    assert mailoutbox == []


def test_a_reply_that_closes_the_task_says_so_and_sends_no_second_status_email(task, reply, mailoutbox):
    reply(task, set_status=Task.Status.CLOSED)

    [mail] = mailoutbox
    assert f"Ticket #{task.pk} is closed with this reply." in mail.body


def test_a_reply_reaches_each_matching_contact_once_with_their_own_message_id(
    task, accountant, org_admin, reply, mailoutbox
):
    prefer(org_admin, scope="all")

    reply(task)

    assert sorted(address for mail in mailoutbox for address in mail.to) == [accountant.email, org_admin.email]
    first, second = (mail.message()["Message-ID"] for mail in mailoutbox)
    assert first != second


# --- Threading and the reply address ------------------------------------------------------


def test_threading_headers_are_present_and_consistent_across_two_replies(supplier, task, reply, mailoutbox):
    domain = contractant_mail_domain(supplier)
    root = f"<task-{task.reply_token}@{domain}>"

    first_message, second_message = reply(task), reply(task, "Nog een aanvulling.")

    first, second = (mail.message() for mail in mailoutbox)
    for headers in (first, second):
        assert headers["References"] == root
        assert headers["In-Reply-To"] == root
        assert re.fullmatch(rf"<task-{task.reply_token}\.[0-9a-f]{{24}}@{re.escape(domain)}>", headers["Message-ID"])
        assert headers["Auto-Submitted"] is None  # a person wrote it; auto-responders may answer
    assert first["Message-ID"] != second["Message-ID"]
    assert first["Subject"] == second["Subject"]
    assert [email.header_message_id for email in TaskEmail.objects.order_by("pk")] == [
        first["Message-ID"],
        second["Message-ID"],
    ]
    assert [email.message for email in TaskEmail.objects.order_by("pk")] == [first_message, second_message]


def test_a_reply_answers_the_last_email_the_customer_sent(supplier, task, accountant, reply, mailoutbox):
    domain = contractant_mail_domain(supplier)
    for when, message_id in [(1, "<eerste@visser-accountants.test>"), (2, "laatste@visser-accountants.test")]:
        received = TaskEmail.objects.create(
            task=task, direction="in", address=accountant.email, header_message_id=message_id
        )
        TaskEmail.objects.filter(pk=received.pk).update(created_at=timezone.now() - datetime.timedelta(hours=3 - when))

    reply(task)

    headers = mailoutbox[0].message()
    assert headers["In-Reply-To"] == "<laatste@visser-accountants.test>"
    assert headers["References"] == f"<task-{task.reply_token}@{domain}> <laatste@visser-accountants.test>"


def test_a_malformed_customer_message_id_is_not_repeated(supplier, task, accountant, reply, mailoutbox):
    TaskEmail.objects.create(task=task, direction="in", address=accountant.email, header_message_id="<a b>\r\nBcc: x")

    reply(task)

    headers, root = mailoutbox[0].message(), f"<task-{task.reply_token}@{contractant_mail_domain(supplier)}>"
    assert headers["References"] == headers["In-Reply-To"] == root


def test_the_reply_to_address_parses_back_to_the_task(supplier, task, reply, mailoutbox):
    reply(task)

    [reply_to] = mailoutbox[0].reply_to
    local_part, _, domain = parseaddr(reply_to)[1].partition("@")
    assert reply_token_of(local_part) == task.reply_token
    assert domain == contractant_mail_domain(supplier)
    assert Task.objects.get(reply_token=reply_token_of(local_part)) == task


def test_the_email_links_to_the_task_in_the_portal(supplier, task, bakkerij, reply, mailoutbox):
    reply(task)

    link = f"http://{contractant_mail_domain(supplier)}:8000/portal/o/{bakkerij.code}/tasks/{task.code}/"
    assert link in mailoutbox[0].body
    assert f'<a href="{link}">' in html_of(mailoutbox[0])


# --- What never leaves: notes, held e-mails -----------------------------------------------


def test_an_internal_note_never_appears_in_a_reply_email(task, note, reply, mailoutbox):
    note(task)
    reply(task, "Eerste antwoord.")
    note(task, "INTERN: tweede notitie, ook niet voor de klant")
    reply(task, "Tweede antwoord.")

    assert len(mailoutbox) == 2
    for mail in mailoutbox:
        assert "INTERN" not in everything_in(mail)
    # The second e-mail quotes the first reply, and only that.
    assert "Eerste antwoord." in mailoutbox[1].body


def test_an_internal_notes_file_never_travels_with_a_reply(task, note, reply, mailoutbox):
    attach(note(task), "intern-salarisoverzicht.pdf", PDF)

    reply(task, files=[("loonstrook-maart.pdf", PDF)])

    [mail] = mailoutbox
    assert [name for name, _content, _type in mail.attachments] == ["loonstrook-maart.pdf"]
    assert "intern-salarisoverzicht" not in everything_in(mail)


def test_a_note_is_never_mailed_even_when_its_job_is_queued(task, note, mailoutbox):
    written = note(task)

    assert notify_public_reply(message_id=written.pk) == 0
    assert notify_public_reply_task.delay(connection.schema_name, written.pk).get() == 0
    assert mailoutbox == []


def test_a_held_message_is_never_mailed_nor_quoted(task, reply, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        held = hold_message_for_review(task=task, body="Vervalst: stuur alles naar mij", sender="vreemde@elders.test")

    assert mailoutbox == []
    assert notify_public_reply(message_id=held.pk) == 0
    assert notify_customer_reply(message_id=held.pk) == 0

    reply(task)
    [mail] = mailoutbox
    assert "Vervalst" not in everything_in(mail)


def test_a_customers_own_reply_is_not_mailed_back_to_the_customers(task, accountant, customer_reply, mailoutbox):
    message = customer_reply(task, accountant)

    assert notify_public_reply(message_id=message.pk) == 0
    assert all(accountant.email not in mail.to for mail in mailoutbox)


# --- Once ---------------------------------------------------------------------------------


def test_a_retried_job_sends_nothing_twice(task, accountant, reply, mailoutbox):
    message = reply(task)

    assert notify_public_reply(message_id=message.pk) == 0
    notify_public_reply_task.delay(connection.schema_name, message.pk)

    assert [mail.to for mail in mailoutbox] == [[accountant.email]]
    sent = TaskEmail.objects.get()
    assert (sent.direction, sent.message, sent.contact, sent.address) == ("out", message, accountant, accountant.email)
    assert sent.subject == f"[#{task.pk}] Loonstrook klopt niet"


def test_a_send_that_fails_records_nothing_so_the_retry_sends_it(task, reply, mailoutbox, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    message = post_staff_message(task=task, body=PUBLIC, kind="reply", actor=task.assignee)
    with pytest.raises(ConnectionRefusedError):
        notify_public_reply(message_id=message.pk)
    assert not TaskEmail.objects.exists()

    monkeypatch.undo()
    assert notify_public_reply(message_id=message.pk) == 1
    assert len(mailoutbox) == 1


# --- Escaping and attachments --------------------------------------------------------------


def test_the_html_part_escapes_what_the_reply_says(task, reply, mailoutbox):
    reply(task, 'Zie <script>alert("x")</script> & <b>vet</b>')

    html = html_of(mailoutbox[0])
    assert "<script>" not in html and "<b>vet</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;vet&lt;/b&gt;" in html
    assert '<script>alert("x")</script> & <b>vet</b>' in mailoutbox[0].body  # text is text


def test_small_files_travel_with_the_reply(task, reply, mailoutbox):
    reply(task, files=[("loonstrook-maart.pdf", PDF), ("loonstrook-april.pdf", PDF)])

    [mail] = mailoutbox
    assert mail.attachments == [
        ("loonstrook-maart.pdf", PDF, "application/pdf"),
        ("loonstrook-april.pdf", PDF, "application/pdf"),
    ]
    assert "- loonstrook-maart.pdf" in mail.body
    assert "download them" not in mail.body


def test_files_together_over_the_limit_are_named_and_linked_not_attached(settings, task, bakkerij, reply, mailoutbox):
    settings.TASK_EMAIL_ATTACHMENTS_MAX_BYTES = len(PDF) * 2 - 1

    reply(task, files=[("loonstrook-maart.pdf", PDF), ("loonstrook-april.pdf", PDF)])

    [mail] = mailoutbox
    assert mail.attachments == []
    assert "- loonstrook-maart.pdf\n- loonstrook-april.pdf\n" in mail.body
    assert "Together too large for an e-mail: download them from the ticket in the customer portal." in mail.body
    assert f"/portal/o/{bakkerij.code}/tasks/{task.code}/" in mail.body


def test_a_file_the_storage_cannot_give_is_linked_and_the_email_still_goes(task, mailoutbox):
    message = post_staff_message(task=task, body=PUBLIC, kind="reply", actor=task.assignee)
    attach(message, "loonstrook.pdf", PDF).file.delete(save=False)  # gone from the storage

    assert notify_public_reply(message_id=message.pk) == 1
    assert mailoutbox[0].attachments == []
    assert "loonstrook.pdf" in mailoutbox[0].body


# --- Staff hear of a customer's reply -----------------------------------------------------


def test_a_customer_reply_notifies_the_assignee(supplier, task, accountant, supplier_user, customer_reply, mailoutbox):
    other_staff = staff_member("collega@brightsoft.test")

    message = customer_reply(task, accountant, "Het bedrag klopt nog steeds niet.")

    [mail] = mailoutbox
    assert mail.to == [supplier_user.email] and other_staff.email not in mail.to
    assert mail.subject == f"[#{task.pk}] Loonstrook klopt niet"
    assert f"Anneke Visser replied to task #{task.pk}:" in mail.body
    assert "Het bedrag klopt nog steeds niet." in mail.body
    assert f"http://{contractant_mail_domain(supplier)}:8000/tasks/{task.pk}/" in mail.body
    assert mail.reply_to == []  # staff answer on the task page
    assert mail.message()["Auto-Submitted"] == "auto-generated"
    sent = TaskEmail.objects.get()
    assert (sent.message, sent.contact, sent.address) == (message, None, supplier_user.email)


def test_an_unassigned_tasks_customer_reply_notifies_every_active_staff_member(
    task, accountant, supplier_user, customer_reply, mailoutbox
):
    Task.objects.filter(pk=task.pk).update(assignee=None)
    colleague = staff_member("collega@brightsoft.test")
    staff_member("weg@brightsoft.test", is_active=False)

    customer_reply(task, accountant)

    assert sorted(address for mail in mailoutbox for address in mail.to) == sorted(
        [supplier_user.email, colleague.email]
    )
    assert "Nobody is assigned to this task, so every staff member receives this e-mail." in mailoutbox[0].body


def test_a_customer_reply_to_a_left_colleagues_task_reaches_the_team(
    task, accountant, supplier_user, customer_reply, mailoutbox
):
    gone = staff_member("weg@brightsoft.test")
    Task.objects.filter(pk=task.pk).update(assignee=gone)
    User.objects.filter(pk=gone.pk).update(is_active=False)

    customer_reply(task, accountant)

    assert [mail.to for mail in mailoutbox] == [[supplier_user.email]]


def test_the_staff_email_says_the_reply_reopened_the_task(task, accountant, customer_reply, mailoutbox):
    Task.objects.filter(pk=task.pk).update(status=Task.Status.CLOSED, closed_at=timezone.now())
    task.refresh_from_db()
    task._history_user = None
    task.save()  # a history record of the closed state, as a staff close would leave

    customer_reply(task, accountant)

    [mail] = mailoutbox
    assert "The task was closed; this reply reopened it." in mail.body
    assert "Status: Open" in mail.body


def test_the_staff_email_of_a_waiting_task_does_not_say_reopened(task, accountant, customer_reply, mailoutbox):
    Task.objects.filter(pk=task.pk).update(status=Task.Status.WAITING)

    customer_reply(task, accountant)

    assert "reopened" not in mailoutbox[0].body


def test_the_staff_email_of_a_follow_up_says_which_task_it_follows(task, accountant, customer_reply, mailoutbox):
    Task.objects.filter(pk=task.pk).update(
        status=Task.Status.CLOSED, closed_at=timezone.now() - datetime.timedelta(days=60)
    )

    message = customer_reply(task, accountant)

    follow_up = message.task
    assert follow_up.follow_up_of == task
    [mail] = mailoutbox
    assert mail.subject == f"[#{follow_up.pk}] Follow-up: Loonstrook klopt niet"
    assert f"Task #{task.pk} was closed too long ago to reopen, so this reply started this new follow-up task." in (
        mail.body
    )
    assert f"/tasks/{follow_up.pk}/" in mail.body


def test_a_customer_reply_is_announced_once(task, accountant, customer_reply, mailoutbox):
    message = customer_reply(task, accountant)

    assert notify_customer_reply(message_id=message.pk) == 0
    notify_customer_reply_task.delay(connection.schema_name, message.pk)

    assert len(mailoutbox) == 1


def test_a_staff_reply_is_not_announced_to_staff(task, reply, mailoutbox):
    message = reply(task)
    mailoutbox.clear()

    assert notify_customer_reply(message_id=message.pk) == 0
    assert mailoutbox == []


def test_the_staff_email_escapes_the_customers_words(task, accountant, customer_reply, mailoutbox):
    customer_reply(task, accountant, "<img src=x onerror=alert(1)>")

    assert "<img" not in html_of(mailoutbox[0])
    assert "&lt;img src=x onerror=alert(1)&gt;" in html_of(mailoutbox[0])


def test_a_contact_without_support_access_gets_no_portal_link(accountant, cafe, reply, mailoutbox):
    # Anneke has no support access at the café; she reported the task, so she is told, without a link.
    task = TaskFactory(relations=[cafe], reporter=accountant)
    assert accountant.links.get(relation=cafe).support_access == ContactLink.SupportAccess.NONE

    reply(task)

    [mail] = mailoutbox
    assert "/portal/" not in mail.body
