"""What an inbound e-mail becomes (mailin.services.receive_message), as every source of mail
would hand it over: the SMTP receiver, and later an IMAP poller or a provider's webhook."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection

from mailin import services
from mailin.models import InboundMail
from tasks.models import Task, TaskAttachment, TaskEmail, TaskMessage
from tasks.selectors import public_messages
from tests.conftest import ALPHA, SUPPLIER
from tests.factories import TaskFactory
from tests.mailin.conftest import PDF, mail, receive, reply_to, support


def test_a_reply_from_a_contact_of_the_task_is_public_and_reopens_a_waiting_task(task, anna):
    Task.objects.filter(pk=task.pk).update(status=Task.Status.WAITING)

    outcome = receive(mail(to=reply_to(task)), to=reply_to(task))

    assert outcome.reply.startswith("250") and outcome.deliveries[0].result == "reply"
    [message] = public_messages(task)
    assert (message.body, message.channel, message.author_contact) == (
        "De bijlage is de juiste loonstrook.",
        TaskMessage.Channel.EMAIL,
        anna,
    )
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN
    email = TaskEmail.objects.get(task=task, direction=TaskEmail.Direction.IN)
    assert (email.message, email.contact, email.address) == (message, anna, "anna@bakkerij.test")
    assert email.subject == "Re: Loonstrook maart klopt niet"


def test_a_reply_from_a_stranger_is_held_as_a_note_the_customer_never_sees(task):
    raw = mail(to=reply_to(task), sender="Mallory <mallory@elders.test>", body="Maak het geld over naar NL00FAKE.")

    outcome = receive(raw, to=reply_to(task), mail_from="mallory@elders.test")

    assert outcome.deliveries[0].result == "held"
    assert list(public_messages(task)) == []
    held = TaskMessage.objects.get(task=task)
    assert (held.kind, held.held_for_review, held.author_label) == (
        TaskMessage.Kind.NOTE,
        True,
        "Mallory <mallory@elders.test>",
    )
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


def test_a_contact_of_another_relation_or_with_only_a_request_is_held_too(task, gerrit, garage):
    """Gerrit is a contact, but of the Garage; Anna's request to join the Garage is no link."""
    garage_task = TaskFactory(relations=[garage], subject="Remmen")

    gerrit_on_bakkerij = receive(mail(to=reply_to(task), sender="gerrit@garage.test"), to=reply_to(task))
    anna_on_garage = receive(mail(to=reply_to(garage_task)), to=reply_to(garage_task))

    assert [gerrit_on_bakkerij.deliveries[0].result, anna_on_garage.deliveries[0].result] == ["held", "held"]
    assert not public_messages(task).exists() and not public_messages(garage_task).exists()


def test_new_mail_from_a_contact_is_a_task_linked_to_their_approved_relations(anna, bakkerij):
    raw = mail(
        to=support(),
        subject="Vakantiegeld in mei",
        body="Het vakantiegeld staat niet op de strook.\n\nMet vriendelijke groet,\nAnna",
        attachments=[("strook-mei.pdf", PDF, "application/pdf")],
    )

    outcome = receive(raw, to=support())

    [delivery] = outcome.deliveries
    task = Task.objects.get(pk=delivery.task_id)
    assert delivery.result == "new_task"
    assert (task.subject, task.description, task.reporter) == (
        "Vakantiegeld in mei",
        "Het vakantiegeld staat niet op de strook.",
        anna,
    )
    assert [link.relation for link in task.links.all()] == [bakkerij]  # not the Garage she only asked to join
    [attachment] = TaskAttachment.objects.filter(task=task)
    assert (attachment.name, attachment.message, attachment.uploaded_by_contact) == ("strook-mei.pdf", None, anna)
    assert TaskEmail.objects.filter(task=task, direction="in", contact=anna).count() == 1


def test_new_mail_from_an_unknown_sender_waits_in_the_queue(in_supplier):
    raw = mail(to=support(), sender="Nieuwe Klant <info@nieuw.test>", subject="Offerte", body="Wat kost het?")

    outcome = receive(raw, to=support(), mail_from="info@nieuw.test")

    assert outcome.deliveries[0].result == "unknown_sender"
    assert not Task.objects.exists()
    queued = InboundMail.objects.get()
    assert (queued.triage, queued.sender, queued.sender_name, queued.subject, queued.body) == (
        "pending",
        "info@nieuw.test",
        "Nieuwe Klant",
        "Offerte",
        "Wat kost het?",
    )
    with queued.raw.open("rb") as stored:
        assert stored.read() == raw


@pytest.mark.parametrize(
    "headers, mail_from",
    [
        ({"Auto-Submitted": "auto-replied"}, "anna@bakkerij.test"),
        ({"Auto-Submitted": "auto-generated; owner-email=x@y.test"}, "anna@bakkerij.test"),
        ({"Precedence": "bulk"}, "anna@bakkerij.test"),
        ({"Precedence": "auto_reply"}, "anna@bakkerij.test"),
        ({"X-Autoreply": "yes"}, "anna@bakkerij.test"),
        ({"X-Autorespond": "Out of office"}, "anna@bakkerij.test"),
        ({}, ""),  # a bounce: the null sender
        ({}, "<>"),
    ],
)
def test_auto_replies_and_bounces_are_accepted_and_make_nothing(task, anna, headers, mail_from):
    for to in (reply_to(task), support()):
        outcome = receive(mail(to=to, body="Ik ben afwezig tot maandag.", headers=headers), to=to, mail_from=mail_from)

        assert outcome.reply.startswith("250") and outcome.deliveries == ()
    assert not TaskMessage.objects.exists() and Task.objects.count() == 1 and not InboundMail.objects.exists()


def test_a_delivery_report_makes_nothing(task):
    report = (
        b"From: Mail Delivery System <MAILER-DAEMON@bakkerij.test>\r\nTo: " + reply_to(task).encode() + b"\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn1@bakkerij.test>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; bakkerij.test\r\n\r\n"
        b"Final-Recipient: rfc822; x@y.test\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--b--\r\n"
    )

    outcome = receive(report, to=reply_to(task), mail_from="postmaster@bakkerij.test")

    assert outcome.reply.startswith("250") and outcome.deliveries == ()
    assert not TaskMessage.objects.exists()


def test_auto_submitted_no_is_a_person_writing(task, anna):
    outcome = receive(mail(to=reply_to(task), headers={"Auto-Submitted": "no"}), to=reply_to(task))

    assert outcome.deliveries[0].result == "reply"


def test_mail_from_one_of_our_own_addresses_is_dropped(task):
    """A loop: one of our e-mails bounced back by a forwarding rule, or sent to ourselves."""
    raw = mail(to=support(), sender=reply_to(task))

    outcome = receive(raw, to=support(), mail_from="anna@bakkerij.test")

    assert outcome.reply.startswith("250") and outcome.deliveries == ()
    assert not TaskMessage.objects.exists() and not InboundMail.objects.exists()


def test_a_second_delivery_of_the_same_message_adds_nothing(task, anna):
    raw = mail(to=reply_to(task), message_id="<same-1@bakkerij.test>")
    new = mail(to=support(), subject="Nieuw", message_id="<same-2@bakkerij.test>")

    first, again = receive(raw, to=reply_to(task)), receive(raw, to=reply_to(task))
    receive(new, to=support())
    new_again = receive(new, to=support())

    assert [first.deliveries[0].result, again.deliveries[0].result, new_again.deliveries[0].result] == [
        "reply",
        "duplicate",
        "duplicate",
    ]
    assert again.reply.startswith("250")
    assert TaskMessage.objects.filter(task=task).count() == 1 and Task.objects.count() == 2
    assert TaskEmail.objects.filter(direction="in").count() == 2


def test_a_mail_without_message_id_delivered_twice_counts_once(task, anna):
    raw = mail(to=reply_to(task)).replace(b"Message-ID:", b"X-Old-Id:")

    results = [receive(raw, to=reply_to(task)).deliveries[0].result for _ in range(2)]

    assert results == ["reply", "duplicate"]


def test_reply_all_to_the_reply_and_support_addresses_is_one_reply(task, anna):
    raw = mail(to=reply_to(task))

    outcome = receive(raw, to=[support(), reply_to(task)])

    assert [delivery.result for delivery in outcome.deliveries] == ["reply"]
    assert Task.objects.count() == 1


def test_a_reply_to_one_of_our_emails_at_the_support_address_lands_on_its_task(task, anna):
    TaskEmail.objects.create(
        task=task, direction="out", address=anna.email, header_message_id="<out-1@supplier.localhost>"
    )
    raw = mail(to=support(), headers={"In-Reply-To": "<out-1@supplier.localhost>"})

    outcome = receive(raw, to=support())

    assert (outcome.deliveries[0].result, outcome.deliveries[0].task_id) == ("reply", task.pk)
    assert Task.objects.count() == 1


def test_a_pdf_attachment_is_stored_on_the_reply(task, anna):
    raw = mail(to=reply_to(task), attachments=[("loonstrook-maart.pdf", PDF, "application/pdf")])

    receive(raw, to=reply_to(task))

    [message] = public_messages(task)
    [attachment] = message.attachments.all()
    assert (attachment.name, attachment.content_type, attachment.size) == (
        "loonstrook-maart.pdf",
        "application/pdf",
        len(PDF),
    )
    with attachment.file.open("rb") as stored:
        assert stored.read() == PDF


def test_a_refused_attachment_is_named_in_a_note_and_the_text_and_other_files_are_kept(task, anna, monkeypatch):
    store = services.store_attachments

    def refusing_programs(*, files, **kwargs):
        if files[0].name.endswith(".exe"):
            raise ValidationError("This type of file is not accepted.")
        return store(files=files, **kwargs)

    monkeypatch.setattr(services, "store_attachments", refusing_programs)
    raw = mail(
        to=reply_to(task),
        attachments=[("setup.exe", b"MZ\x90\x00", "application/octet-stream"), ("strook.pdf", PDF, "application/pdf")],
    )

    outcome = receive(raw, to=reply_to(task))

    assert outcome.reply.startswith("250")
    assert outcome.deliveries[0].refused_files == ("setup.exe: This type of file is not accepted.",)
    [reply] = public_messages(task)
    assert reply.body == "De bijlage is de juiste loonstrook."
    assert [attachment.name for attachment in reply.attachments.all()] == ["strook.pdf"]
    [note] = TaskMessage.objects.filter(task=task, kind=TaskMessage.Kind.NOTE)
    assert "setup.exe" in note.body and "This type of file is not accepted." in note.body


@pytest.mark.parametrize(
    "body",
    [
        "Ja, dat klopt nu.\n\nMet vriendelijke groet,\nAnna Smit\nBakkerij Jansen\n\n"
        "Op di 1 dec. 2026 om 10:12 schreef Brightsoft Support <support@supplier.localhost>:\n\n"
        "> Klopt de loonstrook nu?\n> Met vriendelijke groet, Brightsoft",
        "Ja, dat klopt nu.\n\nOp di 1 dec 2026 om 10:12 schreef Brightsoft Support <\n"
        "reply+0123456789abcdef0123@supplier.localhost>:\n\n> Klopt de loonstrook nu?",
        "Ja, dat klopt nu.\n\nVerzonden vanaf mijn iPhone\n\n"
        "> Op 1 dec. 2026 om 10:12 heeft Brightsoft Support <support@supplier.localhost> het volgende geschreven:\n"
        ">\n> Klopt de loonstrook nu?",
        "Ja, dat klopt nu.\n\nVan: Brightsoft Support <support@supplier.localhost>\n"
        "Verzonden: dinsdag 1 december 2026 10:12\nAan: Anna Smit <anna@bakkerij.test>\n"
        "Onderwerp: Loonstrook\n\nKlopt de loonstrook nu?",
    ],
    ids=["gmail-nl", "gmail-nl-wrapped", "apple-nl", "outlook-nl"],
)
def test_dutch_quoted_history_and_signature_are_stripped(task, anna, body):
    receive(mail(to=reply_to(task), body=body), to=reply_to(task))

    assert [message.body for message in public_messages(task)] == ["Ja, dat klopt nu."]


@pytest.mark.parametrize(
    "body",
    [
        "Yes, that is right now.\n\nKind regards,\nAnna\n\n"
        "On Tue, Dec 1, 2026 at 10:12 AM Brightsoft Support <support@supplier.localhost> wrote:\n\n> Is it right now?",
        "Yes, that is right now.\n\n-- \nAnna Smit | Bakkerij Jansen\n\n"
        "On Tue, Dec 1, 2026 at 10:12 AM Brightsoft Support <\nsupport@supplier.localhost> wrote:\n> Is it right now?",
        "Yes, that is right now.\n\nFrom: Brightsoft Support <support@supplier.localhost>\n"
        "Sent: Tuesday, December 1, 2026 10:12 AM\nTo: Anna Smit <anna@bakkerij.test>\nSubject: Payslip\n\nIs it?",
    ],
    ids=["gmail-en", "gmail-en-wrapped", "outlook-en"],
)
def test_english_quoted_history_and_signature_are_stripped(task, anna, body):
    receive(mail(to=reply_to(task), body=body), to=reply_to(task))

    assert [message.body for message in public_messages(task)] == ["Yes, that is right now."]


def test_a_closing_word_that_starts_a_sentence_is_no_signature(task, anna):
    body = "Bedankt, de loonstrook klopt nu.\nMaar het vakantiegeld niet.\n\nGroet,\nAnna"

    receive(mail(to=reply_to(task), body=f"Hoi,\n\n{body}"), to=reply_to(task))

    assert public_messages(task).get().body.startswith("Hoi,\n\nBedankt, de loonstrook klopt nu.\nMaar het")


def test_a_mail_with_only_html_becomes_text_without_its_quote(task, anna):
    html = (
        "<html><head><style>p{color:red}</style></head><body><p>Hier is <b>de</b> strook.</p>"
        "<p>Tweede regel &amp; meer.</p><div class='gmail_quote'>"
        "<div>Op di 1 dec. 2026 om 10:12 schreef Support &lt;support@supplier.localhost&gt;:</div>"
        "<blockquote><p>Stuur de strook?</p></blockquote></div><script>alert(1)</script></body></html>"
    )

    receive(mail(to=reply_to(task), body=None, html=html), to=reply_to(task))

    assert public_messages(task).get().body == "Hier is de strook.\n\nTweede regel & meer."


@pytest.mark.parametrize(
    "address",
    [
        "support@nergens.test",  # no contractant has this domain
        f"verkoop@{SUPPLIER.host}",  # no such mailbox
        f"reply+ffffffffffffffffffff@{SUPPLIER.host}",  # no task has this token
        f"reply+kort@{SUPPLIER.host}",
        "geen-adres",
    ],
)
def test_an_unknown_recipient_is_refused_with_550(in_supplier, address):
    outcome = receive(mail(to=address), to=address)

    assert outcome.reply.startswith("550 5.1.1")
    assert not InboundMail.objects.exists()


def test_a_reply_token_of_another_contractant_is_unknown_on_this_domain(alpha, supplier):
    """A token of alpha's task, sent to the supplier's domain, must not reach alpha's task."""
    connection.set_tenant(alpha)
    alpha_task = TaskFactory(subject="Alleen bij alpha")
    alpha_domain_address = f"reply+{alpha_task.reply_token}@{ALPHA.host}"
    connection.set_tenant(supplier)
    address = f"reply+{alpha_task.reply_token}@{SUPPLIER.host}"

    outcome = receive(mail(to=address), to=address)

    assert outcome.reply.startswith("550")
    connection.set_tenant(alpha)
    assert not TaskMessage.objects.filter(task=alpha_task).exists() and not InboundMail.objects.exists()
    assert services.route_for(alpha_domain_address).schema_name == ALPHA.schema_name


def test_an_oversized_mail_is_refused_with_552(task, anna, settings):
    settings.INBOUND_MAIL_MAX_BYTES = 10_000
    raw = mail(to=reply_to(task), attachments=[("groot.pdf", PDF + b"0" * 20_000, "application/pdf")])

    outcome = receive(raw, to=reply_to(task))

    assert outcome.reply.startswith("552")
    assert not TaskMessage.objects.exists()


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"", "empty message"),
        (b"\r\n\r\n", "empty message"),
        (b"Dit is geen e-mail maar losse tekst\r\nzonder kopregels.\r\n", "no headers"),
        (b"To: x@y.test\r\nSubject: Zonder afzender\r\n\r\nTekst\r\n", "no From header"),
        (b"From: niemand\r\nSubject: Geen adres\r\n\r\nTekst\r\n", "no sender address in From"),
    ],
)
def test_a_malformed_mail_is_refused_with_554_and_a_reason(task, raw, reason):
    outcome = receive(raw, to=reply_to(task))

    assert outcome.reply == f"554 5.6.0 Malformed message: {reason}"
    assert not TaskMessage.objects.exists()


def test_the_database_briefly_down_answers_451_so_the_sender_retries(task, monkeypatch):
    def unavailable(address):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "route_for", unavailable)

    outcome = receive(mail(to=reply_to(task)), to=reply_to(task))

    assert outcome.reply.startswith("451 4.3.0")


def test_a_sender_past_the_loop_limit_is_dropped(task, anna, monkeypatch):
    monkeypatch.setattr(services, "LOOP_LIMIT_PER_HOUR", 2)

    results = [receive(mail(to=reply_to(task)), to=reply_to(task)).deliveries[0].result for _ in range(3)]

    assert results == ["reply", "reply", "ignored"]


def test_a_reply_long_after_closing_starts_a_follow_up_with_the_email(task, anna):
    import datetime

    from django.utils import timezone

    Task.objects.filter(pk=task.pk).update(
        status=Task.Status.CLOSED, closed_at=timezone.now() - datetime.timedelta(days=400)
    )

    outcome = receive(mail(to=reply_to(task)), to=reply_to(task))

    follow_up = Task.objects.get(follow_up_of=task)
    assert outcome.deliveries[0].task_id == follow_up.pk
    assert TaskEmail.objects.get(direction="in").task == follow_up
    assert InboundMail.objects.get().task == follow_up


def test_a_program_and_a_forwarded_mail_are_refused_by_the_attachment_check_and_named(task, anna):
    raw = mail(
        to=reply_to(task),
        attachments=[
            ("factuur.pdf.exe", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf"),
            ("strook.pdf", PDF, "application/pdf"),
        ],
    )

    outcome = receive(raw, to=reply_to(task))

    [refused] = outcome.deliveries[0].refused_files
    assert "factuur.pdf.exe" in refused
    assert [attachment.name for attachment in public_messages(task).get().attachments.all()] == ["strook.pdf"]
    assert "factuur.pdf.exe" in TaskMessage.objects.get(task=task, kind=TaskMessage.Kind.NOTE).body
