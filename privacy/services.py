"""AVG (GDPR) requests: export a person's data, erase (pseudonymise) a person, retention.

This app is the single owner of these operations and writes the rows of the apps below it
(contacts, portal, tasks) directly: an erasure must change them all in one transaction, and
none of those apps has (or should have) a service that blanks history rows. Client Online is
never called from here: the erase changes local data and tells portal_sync through the
`data_changed` hook, so the sync's planner removes the user in its safe order (memberships,
then the user) like any other change.
"""

from __future__ import annotations

import datetime
import json
import re
import tempfile
import zipfile
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from audit.models import SecurityEvent
from audit.services import record_security_event
from contacts.models import AttributeValue, Contact, ContactEmail, ContactLink, MergeRecord
from portal.models import OrganisationClaim
from privacy.models import Erasure, PrivacySettings, RetainedTask
from privacy.selectors import (
    erase_plan,
    history_fields,
    person_addresses,
    person_emails,
    person_invitations,
    person_sources,
    person_tasks,
    written_messages,
)
from tasks.models import Task, TaskAttachment, TaskEmail, TaskMessage
from tenants.hooks import data_changed

# Contact fields that say nothing about the person (choices and flags); every other text field
# of a contact (names, infix, job title, phone, ...) is blanked on erasure, also one added later.
NON_PERSONAL_CONTACT_FIELDS = {"kind", "status", "notify_scope", "notify_trigger"}
ERASED_DOMAIN = "erased.invalid"  # RFC 2606: can never receive mail
RETENTION_BATCH = 500
# Kept in memory up to this size, then on disk: a person with thousands of tasks stays bounded.
ARCHIVE_MEMORY = 8 * 1024 * 1024
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        try:
            return super().default(o)
        except TypeError:
            return str(o)  # phone numbers and other value objects: their text


def erased_label() -> str:
    """ "Verwijderde persoon": stored in the site language, as the security log is."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Erased person")


def _contact_link(contact: Contact) -> str:
    return reverse("contacts:detail", args=[contact.pk])


# --- Export -------------------------------------------------------------------------------------


def export_person_archive(*, contact: Contact, actor, contractant_name: str) -> tuple[IO[bytes], str]:
    """A ZIP with one JSON file per kind of data and a README; recorded in the security log.

    Rows are streamed from the database into the archive, which stays in memory only up to
    ARCHIVE_MEMORY: the size of the person's history does not decide the worker's memory."""
    archive = tempfile.SpooledTemporaryFile(max_size=ARCHIVE_MEMORY)  # noqa: SIM115 - returned open
    files = []
    with transaction.atomic(), zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for source in person_sources(contact):
            fields = source.fields or history_fields(source.queryset)
            order = "history_id" if not source.fields else "pk"
            rows = 0
            with zipped.open(f"{source.name}.json", "w") as entry:
                entry.write(b"[")
                for row in source.queryset.order_by(order).values(*fields).iterator(chunk_size=500):
                    entry.write(b"," if rows else b"\n")
                    entry.write(json.dumps(row, cls=_Encoder, ensure_ascii=False).encode())
                    rows += 1
                entry.write(b"\n]\n")
            files.append({"name": f"{source.name}.json", "label": source.label, "rows": rows})
        readme = render_to_string(
            "privacy/export_readme.txt",
            {"contact": contact, "files": files, "contractant_name": contractant_name, "exported_at": timezone.now()},
        )
        zipped.writestr("README.txt", readme)
        record_security_event(
            kind=SecurityEvent.Kind.PRIVACY_EXPORT,
            summary=gettext_noop("Personal data of contact #%(id)s exported: %(rows)d rows in %(files)d files."),
            summary_params={"id": contact.pk, "rows": sum(file["rows"] for file in files), "files": len(files)},
            actor=actor,
            object_label=f"#{contact.pk}",
            object_url=_contact_link(contact),
        )
    archive.seek(0)
    return archive, f"personal-data-{contact.code}.zip"


# --- Erase --------------------------------------------------------------------------------------


def _personal_contact_fields() -> list[str]:
    return [
        field.name
        for field in Contact._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.GeneratedField)
        and field.name not in NON_PERSONAL_CONTACT_FIELDS
    ]


def _replace_addresses(text: str, pattern: re.Pattern, placeholder: str) -> str:
    return pattern.sub(placeholder, text) if text else text


def erase_person(*, contact: Contact, actor) -> Erasure:
    """Pseudonymise a person in one transaction; tasks and their history stay, anonymous.

    The contact stays as "Erased person" (so its tasks keep a reporter that names no one), its
    personal fields and every history row of it are blanked, its links, attribute values,
    secondary addresses, claims, invitations and merge records go, its addresses are replaced
    in the conversation of its tasks, its portal login ends, and the next Client Online sync
    removes its user (memberships first, then the user)."""
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if Erasure.objects.filter(contact=contact).exists():
            raise ValidationError(_("This person has already been erased."))
        plan = erase_plan(contact)
        label = erased_label()
        placeholder = f"erased-{contact.code.hex}@{ERASED_DOMAIN}"
        addresses = person_addresses(contact)
        pattern = re.compile("|".join(re.escape(address) for address in addresses), re.IGNORECASE)
        login = contact.user

        # The conversation: the person's addresses replaced, their messages signed "Erased person".
        tasks = list(person_tasks(contact).only("pk", "subject", "description"))
        for task in tasks:
            task.subject = _replace_addresses(task.subject, pattern, placeholder)
            task.description = _replace_addresses(task.description, pattern, placeholder)
        Task.objects.bulk_update(tasks, ["subject", "description"])
        task_ids = [task.pk for task in tasks]
        for row in Task.history.filter(id__in=task_ids).filter(Q(subject__contains="@") | Q(description__contains="@")):
            subject = _replace_addresses(row.subject, pattern, placeholder)
            description = _replace_addresses(row.description, pattern, placeholder)
            if (subject, description) != (row.subject, row.description):
                Task.history.filter(history_id=row.history_id).update(subject=subject, description=description)
        messages = list(TaskMessage.objects.filter(task_id__in=task_ids).only("pk", "body", "author_label"))
        for message in messages:
            message.body = _replace_addresses(message.body, pattern, placeholder)
            message.author_label = _replace_addresses(message.author_label, pattern, placeholder)
        TaskMessage.objects.bulk_update(messages, ["body", "author_label"])
        written_messages(contact).update(author_label=label, author=None)
        person_emails(contact, addresses).update(address=placeholder)

        # Portal: invitations, claims (with their links), the login.
        person_invitations(contact, addresses).delete()
        OrganisationClaim.objects.filter(link__contact=contact).delete()
        for link in ContactLink.objects.filter(contact=contact):
            link._history_user = actor
            link.delete()
        ContactLink.history.filter(contact_id=contact.pk).update(job_title="")
        for attribute_value in AttributeValue.objects.filter(contact=contact):
            attribute_value._history_user = actor
            attribute_value.delete()
        AttributeValue.history.filter(contact_id=contact.pk).update(value="")
        ContactEmail.objects.filter(contact=contact).delete()
        MergeRecord.objects.filter(survivor=contact).delete()
        if login is not None:
            # Inactive, renamed and without a password: every session of it ends at its next
            # request (the session's password hash no longer matches) and it cannot log in again.
            login.username = f"erased-{contact.code.hex}"
            login.email = login.first_name = login.last_name = ""
            login.is_active = False
            login.set_unusable_password()
            login.save()

        # The contact itself and every history row of it.
        personal = dict.fromkeys(_personal_contact_fields(), "")
        personal.update(last_name=label, email=placeholder, username=placeholder)
        for name, value in personal.items():
            setattr(contact, name, value)
        contact.status = Contact.Status.INACTIVE
        contact.user = None
        contact._history_user = actor
        contact.save()
        history_names = {field.name for field in Contact.history.model._meta.concrete_fields}
        Contact.history.filter(id=contact.pk).update(
            **{name: value for name, value in personal.items() if name in history_names}
        )

        erasure = Erasure.objects.create(contact=contact, actor=actor, counts=plan.counts())
        record_security_event(
            kind=SecurityEvent.Kind.PRIVACY_ERASURE,
            summary=gettext_noop(
                "Contact #%(id)s erased: %(tasks)d tasks kept anonymous, %(links)d links and %(history)d history "
                "rows changed."
            ),
            summary_params={
                "id": contact.pk,
                "tasks": plan.tasks,
                "links": plan.links,
                "history": plan.history_rows,
            },
            actor=actor,
            object_label=f"#{contact.pk}",
            object_url=_contact_link(contact),
        )
        # Its Client Online user goes with the next sync, in the planner's safe order.
        data_changed.send(sender=Contact)
    return erasure


# --- Retention ----------------------------------------------------------------------------------


def update_privacy_settings(*, retention_years: int | None, actor) -> PrivacySettings:
    with transaction.atomic():
        row = PrivacySettings.objects.select_for_update().order_by("pk").first() or PrivacySettings()
        before = row.retention_years
        row.retention_years = retention_years
        row.full_clean()
        row.save()
        if before != retention_years:
            record_security_event(
                kind=SecurityEvent.Kind.RETENTION_CHANGED,
                summary=gettext_noop("Retention of personal data in closed tasks set from %(before)s to %(after)s."),
                summary_params={"before": _years(before), "after": _years(retention_years)},
                actor=actor,
            )
    return row


def _years(value: int | None) -> str:
    """For the security log's summary: in the site language, like the summary itself."""
    with translation.override(settings.LANGUAGE_CODE):
        if value is None:
            return gettext("off")
        return translation.ngettext("%(count)d year", "%(count)d years", value) % {"count": value}


def retention_cutoff(*, years: int, now: datetime.datetime | None = None) -> datetime.datetime:
    now = now or timezone.now()
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def _anonymise_tasks(task_ids: list[int], label: str) -> None:
    """Remove the personal data of these closed tasks: who reported and wrote (customers, not
    staff), e-mail addresses in the text, and the addresses their e-mails went to."""
    placeholder = f"removed@{ERASED_DOMAIN}"
    Task.objects.filter(pk__in=task_ids).update(reporter=None)
    Task.history.filter(id__in=task_ids).update(reporter=None)
    customer = ~Q(channel=TaskMessage.Channel.STAFF)
    TaskMessage.objects.filter(customer, task_id__in=task_ids).update(
        author=None, author_contact=None, author_label=label
    )
    messages = list(TaskMessage.objects.filter(task_id__in=task_ids, body__contains="@").only("pk", "body"))
    for message in messages:
        message.body = EMAIL_PATTERN.sub(placeholder, message.body)
    TaskMessage.objects.bulk_update(messages, ["body"])
    tasks = list(Task.objects.filter(pk__in=task_ids, description__contains="@").only("pk", "description"))
    for task in tasks:
        task.description = EMAIL_PATTERN.sub(placeholder, task.description)
    Task.objects.bulk_update(tasks, ["description"])
    for row in Task.history.filter(id__in=task_ids, description__contains="@"):
        Task.history.filter(history_id=row.history_id).update(
            description=EMAIL_PATTERN.sub(placeholder, row.description)
        )
    TaskEmail.objects.filter(task_id__in=task_ids).update(address=placeholder, contact=None)
    TaskAttachment.objects.filter(task_id__in=task_ids).update(uploaded_by_contact=None)


def apply_retention(*, now: datetime.datetime | None = None, batch_size: int = RETENTION_BATCH) -> int:
    """Remove the personal data of closed tasks closed more than the retention period ago.

    In batches of `batch_size`, each its own transaction; a task done is marked (RetainedTask)
    and never taken again, and rows another run holds are skipped: running twice, or two
    workers at once, changes nothing more. Returns how many tasks it anonymised."""
    years = PrivacySettings.objects.order_by("pk").values_list("retention_years", flat=True).first()
    if not years:
        return 0
    cutoff = retention_cutoff(years=years, now=now)
    label = erased_label()
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                Task.objects.select_for_update(skip_locked=True)
                .filter(status=Task.Status.CLOSED, closed_at__lt=cutoff)
                .exclude(pk__in=RetainedTask.objects.values("task_id"))
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            _anonymise_tasks(ids, label)
            RetainedTask.objects.bulk_create([RetainedTask(task_id=pk) for pk in ids], ignore_conflicts=True)
            total += len(ids)
    if total:
        record_security_event(
            kind=SecurityEvent.Kind.RETENTION_APPLIED,
            summary=gettext_noop(
                "Retention: personal data removed from %(count)d closed tasks closed more than %(years)d years ago."
            ),
            summary_params={"count": total, "years": years},
        )
    return total
