"""E-mail in: one function, `receive_message`, that every source of inbound mail feeds.

Today that source is the SMTP receiver (`manage.py receive_mail`, mailin.smtp). An IMAP or LMTP
poller, or a mail provider's inbound webhook, would hand the same bytes to the same function
(docs/decisions.md). It answers with an SMTP reply, so a receiver can pass it on as is:

- 250: accepted, also when nothing comes of it (an auto-reply, a bounce, a second delivery);
- 451: the database is briefly away: the sender keeps the mail and tries again later;
- 550: no such recipient; 552: too large; 554: not a readable e-mail.

Per contractant (the recipient's domain), in its own schema (tenants.crossing.run_in_schema):
`reply+<token>@` is a reply on that task, public when a contact of the task's relations wrote
it, held for review otherwise; `<support address>@` is a new task for a known contact, or a
mail in the unknown-sender queue staff triage. A reply to one of our e-mails that reaches the
support address instead (In-Reply-To) lands on its task as well.
"""

from __future__ import annotations

import datetime
import enum
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contacts.models import Contact, ContactLink
from contacts.services.contacts import contact_with_email
from mailin.models import InboundMail
from mailin.parsing import MailPart, MalformedMail, ParsedMail, parse_mail, single_line
from mailin.replies import latest_reply
from relations.models import Relation
from tasks.attachments import store_attachments
from tasks.conversation import MAX_MESSAGE_LENGTH, hold_message_for_review, post_customer_reply, post_staff_message
from tasks.models import Task, TaskEmail, TaskMessage
from tasks.reply_address import reply_token_of
from tasks.selectors import desk_settings
from tasks.services import task_create
from tenants.crossing import run_in_schema
from tenants.models import Domain

logger = logging.getLogger("mailin")

ACCEPTED = "250 2.0.0 Message accepted"
TEMPORARY_FAILURE = "451 4.3.0 Temporary failure, please try again later"
NO_SUCH_RECIPIENT = "550 5.1.1 No such recipient here"
TOO_LARGE = "552 5.3.4 Message too large"
MALFORMED = "554 5.6.0 Malformed message: {reason}"
# Database errors that pass: a restart, a failover, a dropped connection.
TEMPORARY_ERRORS = (OperationalError, InterfaceError)
# A loop guard behind the header checks: an auto-responder that marks nothing still stops here.
LOOP_LIMIT_PER_HOUR = 30


class Result(enum.StrEnum):
    REPLY = "reply"
    HELD = "held"
    NEW_TASK = "new_task"
    UNKNOWN_SENDER = "unknown_sender"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"


@dataclass(frozen=True)
class Delivery:
    """What one contractant made of the mail."""

    schema_name: str
    recipient: str
    result: Result
    mail_id: int | None = None
    task_id: int | None = None
    message_id: int | None = None
    refused_files: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """The SMTP reply for the sender and, when accepted, what became of the mail."""

    reply: str
    reason: str = ""
    deliveries: tuple[Delivery, ...] = ()

    @property
    def code(self) -> int:
        return int(self.reply[:3])

    @property
    def accepted(self) -> bool:
        return self.code == 250


@dataclass(frozen=True)
class Route:
    """A recipient this platform answers for: a task's reply address, or a support address."""

    address: str
    schema_name: str
    token: str | None


def _split(address: str) -> tuple[str, str]:
    local_part, _at, domain = address.strip().strip("<>").rpartition("@")
    return local_part, domain.lower().rstrip(".")


def route_for(address: str) -> Route | None:
    """The contractant and mailbox an address names, or None (answered 550 at RCPT). The
    domain is looked up in the public schema; the mailbox in the contractant's own, so a reply
    token of one contractant sent to another's domain is no address at all there."""
    local_part, domain = _split(address)
    if not local_part or not domain:
        return None
    domains = Domain.objects.filter(domain=domain, tenant__is_active=True)
    schema_name = domains.values_list("tenant__schema_name", flat=True).first()
    if schema_name is None:
        return None
    token = reply_token_of(local_part)

    def mailbox_exists() -> bool:
        if token is not None:
            return Task.objects.filter(reply_token=token).exists()
        return local_part.lower() == desk_settings().support_address_local_part.lower()

    if not run_in_schema(schema_name, mailbox_exists):
        return None
    return Route(address=address.strip().strip("<>"), schema_name=schema_name, token=token)


def _is_our_own(address: str) -> bool:
    """One of the addresses this platform sends from or receives at: answering it would loop."""
    _name, own = parseaddr(settings.DEFAULT_FROM_EMAIL or "")
    return address.lower() == own.lower() or route_for(address) is not None


def _refuse(reply: str, reason: str, *, mail_from: str, recipients: Sequence[str]) -> Outcome:
    logger.warning("Inbound mail refused (%s): %s; from %r to %r", reply[:3], reason, mail_from, list(recipients))
    return Outcome(reply=reply, reason=reason)


def _drop(reason: str, *, mail_from: str, recipients: Sequence[str]) -> Outcome:
    logger.info("Inbound mail accepted and dropped: %s; from %r to %r", reason, mail_from, list(recipients))
    return Outcome(reply=ACCEPTED, reason=reason)


def receive_message(raw: bytes, *, mail_from: str, recipients: list[str]) -> Outcome:
    """Handle one inbound e-mail, as it arrived, for its envelope recipients."""
    try:
        return _receive(raw, mail_from=mail_from, recipients=recipients)
    except TEMPORARY_ERRORS as exc:
        logger.warning("Inbound mail deferred (451), database unavailable: %s; from %r", exc, mail_from)
        return Outcome(reply=TEMPORARY_FAILURE, reason=f"database unavailable ({type(exc).__name__})")


def _receive(raw: bytes, *, mail_from: str, recipients: list[str]) -> Outcome:
    if len(raw) > settings.INBOUND_MAIL_MAX_BYTES:
        return _refuse(TOO_LARGE, f"{len(raw)} bytes", mail_from=mail_from, recipients=recipients)
    routes: dict[str, list[Route]] = {}
    for address in dict.fromkeys(recipients):
        route = route_for(address)
        if route is None:
            logger.warning("Inbound mail: no such recipient %r", address)
        else:
            routes.setdefault(route.schema_name, []).append(route)
    if not routes:
        return _refuse(NO_SUCH_RECIPIENT, "no known recipient", mail_from=mail_from, recipients=recipients)
    if mail_from.strip() in ("", "<>"):
        # The null sender: a bounce or another delivery status notification (RFC 5321 4.5.5).
        return _drop("bounce (empty MAIL FROM)", mail_from=mail_from, recipients=recipients)
    try:
        mail = parse_mail(raw)
    except MalformedMail as exc:
        return _refuse(MALFORMED.format(reason=exc), str(exc), mail_from=mail_from, recipients=recipients)
    if mail.automatic:
        return _drop(f"automatic mail ({mail.automatic})", mail_from=mail_from, recipients=recipients)
    if _is_our_own(mail.sender):
        return _drop(f"sent from our own address {mail.sender}", mail_from=mail_from, recipients=recipients)
    deliveries = []
    for schema_name, schema_routes in routes.items():
        # One mail once per contractant: a reply address wins over the support address it was
        # copied to, so "reply all" does not open a second task.
        route = next((route for route in schema_routes if route.token), schema_routes[0])
        delivery = run_in_schema(schema_name, partial(_deliver, mail, raw, route))
        logger.info(
            "Inbound mail %s from %s to %s: %s (task %s)",
            mail.message_id,
            mail.sender,
            route.address,
            delivery.result,
            delivery.task_id,
        )
        deliveries.append(delivery)
    return Outcome(reply=ACCEPTED, deliveries=tuple(deliveries))


# --- In the contractant's schema --------------------------------------------------------------


def _active_contact(address: str) -> Contact | None:
    contact = contact_with_email(address)
    return contact if contact is not None and contact.status == Contact.Status.ACTIVE else None


def _writes_for(contact: Contact, task: Task) -> bool:
    """A contact of one of the task's relations (an approved link), as those its e-mails go to."""
    return ContactLink.objects.filter(
        contact=contact, relation__task_links__task=task, status=ContactLink.PortalStatus.APPROVED
    ).exists()


def _task_answered(mail: ParsedMail) -> Task | None:
    """The task of one of our e-mails this mail answers (In-Reply-To, References)."""
    if not mail.references:
        return None
    sent = (
        TaskEmail.objects.filter(direction=TaskEmail.Direction.OUT, header_message_id__in=mail.references)
        .select_related("task")
        .order_by("-created_at")
        .first()
    )
    return sent.task if sent is not None else None


def _plan(mail: ParsedMail, route: Route) -> tuple[Result, Task | None, Contact | None]:
    task = Task.objects.filter(reply_token=route.token).first() if route.token else _task_answered(mail)
    contact = _active_contact(mail.sender)
    if task is not None:
        if contact is not None and _writes_for(contact, task):
            return Result.REPLY, task, contact
        return Result.HELD, task, None
    if contact is not None:
        return Result.NEW_TASK, None, contact
    return Result.UNKNOWN_SENDER, None, None


def _too_many_from(sender: str) -> bool:
    since = timezone.now() - datetime.timedelta(hours=1)
    return InboundMail.objects.filter(sender=sender, received_at__gte=since).count() >= LOOP_LIMIT_PER_HOUR


def _text_and_files(mail: ParsedMail) -> tuple[str, list[MailPart]]:
    """What the message says (quoted history and signature stripped) and its files. A text
    too long for one message is kept whole as a file beside a shortened message."""
    text = latest_reply(mail.text).replace("\x00", "")
    files = list(mail.attachments)
    if len(text) > MAX_MESSAGE_LENGTH:
        files.insert(0, MailPart(name="message.txt", content_type="text/plain", content=text.encode()))
        text = text[: MAX_MESSAGE_LENGTH - 100].rstrip() + "\n\n" + _("[The full text is attached as message.txt.]")
    return text or _("(The e-mail had no text.)"), files


def _store_files(*, task: Task, message: TaskMessage | None, files: Sequence[MailPart], contact=None) -> list[str]:
    """Store each file on its own (tasks.attachments checks its type and size before writing
    it); the ones refused are named in the result, and the message keeps its text and the other
    files. One at a time, so the per-message count and total of uploads do not apply: the mail's
    own size limit bounds what one e-mail brings."""
    refused = []
    for part in files:
        upload = SimpleUploadedFile(part.name, part.content, part.content_type)
        try:
            with transaction.atomic():
                store_attachments(task=task, message=message, files=[upload], contact=contact)
        except ValidationError as exc:
            reason = " ".join(exc.messages)
            logger.warning("Inbound mail attachment refused on task %s: %r (%s)", task.pk, part.name, reason)
            # tasks.attachments names the file in its reason; a reason that does not gets the name.
            refused.append(reason if part.name in reason else f"{part.name}: {reason}")
    return refused


def _note_refused(task: Task, refused: Sequence[str]) -> None:
    body = _("Attachments of this e-mail were refused and not stored:") + "\n" + "\n".join(f"- {r}" for r in refused)
    post_staff_message(task=task, body=body, kind=TaskMessage.Kind.NOTE, actor=None)


def _record_email(*, task: Task, message: TaskMessage | None, contact: Contact | None, mail: ParsedMail) -> None:
    email = TaskEmail(
        task=task,
        direction=TaskEmail.Direction.IN,
        message=message,
        contact=contact,
        address=mail.sender,
        subject=mail.subject[:300],
        header_message_id=mail.message_id,
    )
    email.full_clean()
    email.save()


def _subject(mail: ParsedMail) -> str:
    return mail.subject[:200].strip() or _("(no subject)")


def _deliver(mail: ParsedMail, raw: bytes, route: Route) -> Delivery:
    def done(result: Result, **found) -> Delivery:
        return Delivery(schema_name=route.schema_name, recipient=route.address, result=result, **found)

    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        if InboundMail.objects.filter(message_id=mail.message_id).exists():
            return done(Result.DUPLICATE)
        if _too_many_from(mail.sender):
            logger.warning("Inbound mail from %s dropped: more than %s in an hour", mail.sender, LOOP_LIMIT_PER_HOUR)
            return done(Result.IGNORED)
        result, task, contact = _plan(mail, route)
        text, files = _text_and_files(mail)
        queued = result == Result.UNKNOWN_SENDER
        record = InboundMail(
            message_id=mail.message_id,
            recipient=route.address[:254],
            sender=mail.sender,
            sender_name=mail.sender_name,
            subject=mail.subject[:300],
            # The text and files are kept here only while the mail waits for staff; otherwise
            # they are the task's, and this row is the record that the mail came.
            body=text if queued else "",
            files=[{"name": part.name, "size": len(part.content)} for part in files] if queued else [],
            size=len(raw),
            outcome=result.value,
            task=task,
            triage=InboundMail.Triage.PENDING if queued else InboundMail.Triage.NONE,
        )
        record.full_clean(exclude=["raw"])
        try:
            # First, so a second delivery of the same mail at the same moment waits here for
            # this one and then adds nothing.
            with transaction.atomic():
                record.save()
        except IntegrityError:
            return done(Result.DUPLICATE)
        message = None
        refused: list[str] = []
        if result == Result.REPLY and task is not None:
            message = post_customer_reply(
                task=task,
                body=text,
                contact=contact,
                channel=TaskMessage.Channel.EMAIL,
                email_message_id=mail.message_id,
            )
            task = message.task  # a follow-up when the task was closed long ago
            refused = _store_files(task=task, message=message, files=files, contact=contact)
        elif result == Result.HELD and task is not None:
            message = hold_message_for_review(
                task=task, body=text, sender=mail.sender_label, email_message_id=mail.message_id
            )
            refused = _store_files(task=task, message=message, files=files)
        elif result == Result.NEW_TASK and contact is not None:
            task = _new_task(subject=_subject(mail), text=text, contact=contact)
            refused = _store_files(task=task, message=None, files=files, contact=contact)
        else:
            record.raw.save(f"{record.code}.eml", ContentFile(raw), save=False)
            record.save(update_fields=["raw"])
            return done(result, mail_id=record.pk)
        if refused:
            _note_refused(task, refused)
        _record_email(task=task, message=message, contact=contact, mail=mail)
        if record.task_id != task.pk:
            record.task = task
            record.save(update_fields=["task"])
    return done(
        result,
        mail_id=record.pk,
        task_id=task.pk,
        message_id=message.pk if message is not None else None,
        refused_files=tuple(refused),
    )


def _new_task(*, subject: str, text: str, contact: Contact | None, relations: Sequence[Relation] = ()) -> Task:
    if contact is not None and not relations:
        relations = list(
            Relation.objects.filter(
                contact_links__contact=contact, contact_links__status=ContactLink.PortalStatus.APPROVED
            ).order_by("name")
        )
    return task_create(actor=None, subject=subject, description=text, reporter=contact, relations=relations)


# --- The unknown-sender queue ------------------------------------------------------------------


def mail_create_task(*, mail: InboundMail, relation: Relation | None, subject: str, actor) -> Task:
    """Staff judged a mail from an unknown sender worth a task: the task gets the mail's text
    and files and, when chosen, a relation. The sender is no contact, so nobody is reporter."""
    with transaction.atomic():
        mail = InboundMail.objects.select_for_update().get(pk=mail.pk)
        if mail.triage != InboundMail.Triage.PENDING:
            raise ValidationError(_("This e-mail has already been dealt with."))
        subject = single_line(subject)[:200] or _("(no subject)")
        task = _new_task(subject=subject, text=mail.body, contact=None, relations=[relation] if relation else [])
        files: Sequence[MailPart] = ()
        if mail.raw:
            with mail.raw.open("rb") as handle:
                raw = handle.read()
            try:
                files = parse_mail(raw).attachments
            except MalformedMail:
                files = ()
        refused = _store_files(task=task, message=None, files=files, contact=None)
        if refused:
            _note_refused(task, refused)
        email = TaskEmail(
            task=task,
            direction=TaskEmail.Direction.IN,
            address=mail.sender,
            subject=mail.subject,
            header_message_id=mail.message_id,
        )
        email.full_clean()
        email.save()
        # The files are the task's now: the raw message is not kept twice.
        _forget_raw(mail)
        mail.task = task
        mail.triage = InboundMail.Triage.TASK_CREATED
        mail.decided_by = actor
        mail.decided_at = timezone.now()
        mail.save(update_fields=["raw", "task", "triage", "decided_by", "decided_at"])
    return task


def _forget_raw(mail: InboundMail) -> None:
    """Clear the raw message; its file goes once the change is committed."""
    name, storage = mail.raw.name, mail.raw.storage
    mail.raw = ""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def mail_discard(*, mail: InboundMail, actor) -> InboundMail:
    """Staff judged a mail from an unknown sender not worth a task: its text and file go, the
    record stays (who, when, from whom), so a second delivery still adds nothing."""
    with transaction.atomic():
        mail = InboundMail.objects.select_for_update().get(pk=mail.pk)
        if mail.triage != InboundMail.Triage.PENDING:
            raise ValidationError(_("This e-mail has already been dealt with."))
        _forget_raw(mail)
        mail.body = ""
        mail.triage = InboundMail.Triage.DISCARDED
        mail.decided_by = actor
        mail.decided_at = timezone.now()
        mail.save(update_fields=["body", "raw", "triage", "decided_by", "decided_at"])
    return mail
