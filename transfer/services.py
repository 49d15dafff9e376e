"""Import of relations and contacts: preview (nothing written but the preview itself), then,
once confirmed, the commit.

`import_preview` reads the file (transfer.reading), checks every row with the models' own
validation (Relation.full_clean checks the postcode, Contact.full_clean the e-mail and phone),
finds duplicates in the file and in the database (customer numbers; e-mail addresses as
contacts.services.contacts matches them, contacts and logins alike) and stores the verdict per
row: create, update, unchanged or refused, and why.

`import_confirm` starts the commit: at once for up to TRANSFER_RUN_NOW_ROWS rows, else on the
worker after commit. `run_import` takes the pending rows in chunks of CHUNK_SIZE, one
transaction each (resumable like tasks.bulk: a crash keeps the chunks done and a run again
continues with the pending rows). Updates and links to existing contacts go through the
services (relation_update, update_contact, link_contact). New relations and new contacts
with their links, which the preview checked row by row, are written in bulk with one history
row each (simple_history's bulk_create_with_history): 15,000 rows one service call at a time
take minutes. Before a bulk write the chunk is checked again against the database; a row that
conflicts now (someone created that customer number or e-mail address since the preview), and
every row of a chunk whose bulk write fails, goes through the services instead, which refuse
it with their own message.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from contacts.models import Contact, ContactLink
from contacts.services.contacts import create_contact, normalize_email, update_contact
from contacts.services.links import link_contact
from relations.models import Relation
from relations.services import relation_create, relation_update
from staff.ui import error_text
from tenants.hooks import data_changed
from transfer.columns import CONTACT_COLUMNS, RELATION_COLUMNS
from transfer.models import ImportJob, ImportRow
from transfer.reading import read_sheets
from transfer.tasks import run_import_task

if TYPE_CHECKING:
    from config.postgresql.base import DatabaseWrapper as TenantDatabaseWrapper

logger = logging.getLogger(__name__)

# Rows per transaction: the progress bar moves and a crash loses at most this much work.
CHUNK_SIZE = 1000
# Keys per lookup query (customer numbers, e-mail addresses).
LOOKUP_BATCH = 2000
RELATION_FIELDS = [column.name for column in RELATION_COLUMNS]
CONTACT_FIELDS = [column.name for column in CONTACT_COLUMNS if column.name != "customer_numbers"]
Action, Outcome = ImportRow.Action, ImportRow.Outcome


def _batches(keys) -> list[list[str]]:
    keys = sorted(set(keys))
    return [keys[start : start + LOOKUP_BATCH] for start in range(0, len(keys), LOOKUP_BATCH)]


def _relations_by_key(keys) -> dict[str, Relation]:
    """Existing relations by lower-cased customer number (the unique index on LOWER serves it)."""
    found: dict[str, Relation] = {}
    for batch in _batches(keys):
        for relation in Relation.objects.annotate(key=Lower("customer_number")).filter(key__in=batch):
            found[relation.key] = relation
    return found


def _contacts_by_key(keys) -> dict[str, Contact]:
    found: dict[str, Contact] = {}
    for batch in _batches(keys):
        for contact in Contact.objects.annotate(key=Lower("username")).filter(key__in=batch):
            found[contact.key] = contact
    return found


def _logins_by_email(keys) -> dict[str, set[int]]:
    """Staff logins and contacts' portal logins whose login name or e-mail is one of these
    addresses (contacts.services.contacts.ensure_email_free counts the same ones)."""
    found: dict[str, set[int]] = {}
    logins = get_user_model().objects.filter(Q(is_staff=True) | Q(contact__isnull=False))
    for batch in _batches(keys):
        rows = (
            logins.annotate(name_key=Lower("username"), email_key=Lower("email"))
            .filter(Q(name_key__in=batch) | Q(email_key__in=batch))
            .values_list("pk", "name_key", "email_key")
        )
        for pk, name_key, email_key in rows:
            for key in {name_key, email_key}:
                found.setdefault(key, set()).add(pk)
    return found


def _field_errors(exc: ValidationError, model: type[models.Model]) -> str:
    """The messages of a full_clean, each after the label of its field."""
    if not hasattr(exc, "error_dict"):
        return error_text(exc)
    parts: list[str] = []
    for name, errors in exc.message_dict.items():
        try:
            label = str(getattr(model._meta.get_field(name), "verbose_name", "")).capitalize()
        except Exception:
            label = ""
        parts.extend(f"{label}: {message}" if label else message for message in errors)
    return " ".join(parts)


def _split_numbers(text: str | None) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in re.split(r"[;,\n]", text or "") if part.strip()))


# --- Preview ------------------------------------------------------------------------------


def _plan_relations(rows: list[tuple[int, dict[str, str]]]) -> list[ImportRow]:
    existing = _relations_by_key(values.get("customer_number", "").lower() for _line, values in rows)
    seen: dict[str, int] = {}
    planned = []
    for line, values in rows:
        number = values.get("customer_number", "")
        key = number.lower()
        row = ImportRow(sheet=ImportRow.Sheet.RELATIONS, line=line, data=values, action=Action.REFUSE)
        planned.append(row)
        if not key:
            row.message = _("The customer number is empty.")
            continue
        if key in seen:
            row.message = _("Customer number %(number)s is also on line %(line)s of the file.") % {
                "number": number,
                "line": seen[key],
            }
            continue
        seen[key] = line
        relation = existing.get(key)
        # On an existing relation an empty cell leaves the value as it is.
        given = {name: value for name, value in values.items() if value != ""} if relation else values
        candidate = copy.copy(relation) if relation else Relation(kind=Relation.Kind.COMPANY)
        for name, value in given.items():
            setattr(candidate, name, value)
        try:
            candidate.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            row.message = _field_errors(exc, Relation)
            continue
        cleaned = {name: getattr(candidate, name) for name in RELATION_FIELDS if name in given or not relation}
        if relation is None:
            row.action, row.data = Action.CREATE, cleaned
            continue
        changed = {
            name: value
            for name, value in cleaned.items()
            if name != "customer_number" and getattr(relation, name) != value
        }
        row.target_id, row.data = relation.pk, {**changed, "customer_number": relation.customer_number}
        row.action = Action.UPDATE if changed else Action.UNCHANGED
        if relation.name and "name" not in changed:
            row.data["name"] = relation.name
    return planned


def _plan_contacts(rows: list[tuple[int, dict[str, str]]], file_relations: set[str]) -> list[ImportRow]:
    keys = [normalize_email(values.get("email", "")) for _line, values in rows]
    existing = _contacts_by_key(keys)
    logins = _logins_by_email(keys)
    numbers = {number.lower() for _line, values in rows for number in _split_numbers(values.get("customer_numbers"))}
    known = {key: relation.pk for key, relation in _relations_by_key(numbers).items()}
    linked = set(
        ContactLink.objects.filter(contact_id__in=[contact.pk for contact in existing.values()]).values_list(
            "contact_id", "relation_id"
        )
    )
    seen: dict[str, int] = {}
    planned = []
    for line, values in rows:
        row = ImportRow(sheet=ImportRow.Sheet.CONTACTS, line=line, data=values, action=Action.REFUSE)
        planned.append(row)
        email = values.get("email", "").strip()
        key = normalize_email(email)
        if not key:
            row.message = _("The e-mail address is empty.")
            continue
        if key in seen:
            row.message = _("The e-mail address %(email)s is also on line %(line)s of the file.") % {
                "email": email,
                "line": seen[key],
            }
            continue
        seen[key] = line
        contact = existing.get(key)
        if logins.get(key, set()) - {contact.user_id if contact else None}:
            row.message = _("This e-mail address is already the login name of another account.")
            continue
        wanted = _split_numbers(values.get("customer_numbers", ""))
        unknown = [number for number in wanted if number.lower() not in known and number.lower() not in file_relations]
        if unknown:
            row.message = _("No relation has customer number %(numbers)s, in the file or already.") % {
                "numbers": ", ".join(unknown)
            }
            continue
        given = {name: values[name] for name in CONTACT_FIELDS if values.get(name, "") != "" and name != "email"}
        candidate = copy.copy(contact) if contact else Contact(email=email, username=key)
        for name, value in given.items():
            setattr(candidate, name, value)
        try:
            candidate.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            row.message = _field_errors(exc, Contact)
            continue
        cleaned = {name: getattr(candidate, name) for name in given}
        if "phone" in cleaned:
            cleaned["phone"] = cleaned["phone"].as_e164 if cleaned["phone"] else ""
        links = list(
            dict.fromkeys(
                number.lower()
                for number in wanted
                if not (contact and (contact.pk, known.get(number.lower())) in linked)
            )
        )
        if contact is None:
            row.action, row.data = Action.CREATE, {**cleaned, "email": email, "links": links}
            continue
        if links and not contact.is_active:
            row.message = _("%(name)s is not active and cannot be linked.") % {"name": contact.full_name}
            continue
        changed = {name: value for name, value in cleaned.items() if str(getattr(contact, name) or "") != value}
        row.target_id = contact.pk
        row.data = {**changed, "email": contact.email, "links": links}
        row.data.setdefault("last_name", contact.last_name)
        row.data.setdefault("first_name", contact.first_name)
        row.action = Action.UPDATE if changed or links else Action.UNCHANGED
        row.message = _("Existing contact with this e-mail address: %(name)s.") % {"name": contact.full_name}
    return planned


def _counts(rows, attribute: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[getattr(row, attribute)] = counts.get(getattr(row, attribute), 0) + 1
    return counts


def import_preview(*, actor, file_name: str, content: bytes) -> ImportJob:
    """Read and check the file and record what committing it would do, row by row; nothing
    else is written. Refuses (ValidationError) a file that cannot be imported at all."""
    sheets = read_sheets(file_name=file_name, content=content)
    relation_rows = [row for sheet in sheets if sheet.kind == "relations" for row in sheet.rows]
    contact_rows = [row for sheet in sheets if sheet.kind == "contacts" for row in sheet.rows]
    planned = _plan_relations(relation_rows)
    file_relations = {row.data["customer_number"].lower() for row in planned if row.action != Action.REFUSE}
    planned += _plan_contacts(contact_rows, file_relations)
    unknown = [{"sheet": sheet.title, "columns": sheet.unknown_columns} for sheet in sheets if sheet.unknown_columns]
    with transaction.atomic():
        job = ImportJob.objects.create(
            actor=actor,
            file_name=file_name[:255],
            unknown_columns=unknown,
            total=len(planned),
            planned=_counts(planned, "action"),
        )
        for row in planned:
            row.job = job
        ImportRow.objects.bulk_create(planned, batch_size=2000)
    return job


# --- Commit -------------------------------------------------------------------------------


def import_confirm(*, job: ImportJob, actor) -> ImportJob:
    """Commit a previewed import: refused rows are marked so, the rest written now or by the
    worker. A job confirmed already (or discarded) is refused."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.state != ImportJob.State.PREVIEW:
            raise ValidationError(_("This import was confirmed or discarded already."))
        refused = ImportRow.objects.filter(job=job, action=Action.REFUSE).update(outcome=Outcome.REFUSED)
        job.state, job.confirmed_at, job.done = ImportJob.State.QUEUED, timezone.now(), refused
        job.save(update_fields=["state", "confirmed_at", "done"])
        if job.total - refused > settings.TRANSFER_RUN_NOW_ROWS:
            schema_name, job_id = cast("TenantDatabaseWrapper", connection).schema_name, job.pk
            transaction.on_commit(lambda: run_import_task.delay(schema_name, job_id), robust=True)
            return job
    return run_import(job)


def import_discard(*, job: ImportJob, actor) -> ImportJob:
    """Drop a previewed import: nothing of it is written; the log keeps that it was uploaded."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.state != ImportJob.State.PREVIEW:
            raise ValidationError(_("This import was confirmed or discarded already."))
        job.state, job.finished_at = ImportJob.State.DISCARDED, timezone.now()
        job.save(update_fields=["state", "finished_at"])
        ImportRow.objects.filter(job=job).delete()
    return job


def _reason(job: ImportJob) -> str:
    return f"import {job.code}"


def _relation_by_services(row: ImportRow, job: ImportJob) -> str:
    if row.action == Action.CREATE:
        relation_create(actor=job.actor, kind=Relation.Kind.COMPANY, **row.data)
        return Outcome.CREATED
    relation = Relation.objects.filter(pk=row.target_id or 0).first()
    if relation is None:
        raise ValidationError(_("This relation no longer exists."))
    data = {name: value for name, value in row.data.items() if name != "customer_number"}
    relation_update(relation=relation, actor=job.actor, data=data)
    return Outcome.UPDATED


def _contact_by_services(row: ImportRow, job: ImportJob, relations: dict[str, Relation]) -> str:
    fields = {name: value for name, value in row.data.items() if name in CONTACT_FIELDS}
    if row.action == Action.CREATE:
        contact = create_contact(actor=job.actor, **fields)
        outcome = Outcome.CREATED
    else:
        found = Contact.objects.filter(pk=row.target_id or 0).first()
        if found is None:
            raise ValidationError(_("This contact no longer exists."))
        contact = found
        changes = {name: value for name, value in fields.items() if str(getattr(contact, name) or "") != value}
        if changes:
            update_contact(contact=contact, actor=job.actor, data=changes)
        outcome = Outcome.UPDATED
    for key in row.data.get("links", []):
        relation = relations.get(key)
        if relation is None:
            raise ValidationError(
                _("No relation has customer number %(numbers)s, in the file or already.") % {"numbers": key}
            )
        if not ContactLink.objects.filter(contact=contact, relation=relation).exists():
            link_contact(contact=contact, relation=relation, actor=job.actor)
    return outcome


def _one_by_one(rows: list[ImportRow], apply) -> None:
    for row in rows:
        try:
            with transaction.atomic():
                row.outcome = apply(row)
                row.message = ""
        except ValidationError as exc:
            row.outcome, row.message = Outcome.REFUSED, error_text(exc)


def _create_relations(rows: list[ImportRow], job: ImportJob) -> None:
    taken = _relations_by_key(row.data["customer_number"].lower() for row in rows)
    clear = [row for row in rows if row.data["customer_number"].lower() not in taken]
    try:
        with transaction.atomic():
            objects = [Relation(kind=Relation.Kind.COMPANY, **row.data) for row in clear]
            bulk_create_with_history(objects, Relation, default_user=job.actor, default_change_reason=_reason(job))
            for row in clear:
                row.outcome = Outcome.CREATED
            if clear:
                data_changed.send(sender=Relation)
    except IntegrityError:
        clear = []
    written = {id(row) for row in clear}
    _one_by_one([row for row in rows if id(row) not in written], lambda row: _relation_by_services(row, job))


def _create_contacts(rows: list[ImportRow], job: ImportJob, relations: dict[str, Relation]) -> None:
    keys = [normalize_email(row.data["email"]) for row in rows]
    taken = set(_contacts_by_key(keys)) | set(_logins_by_email(keys))
    clear = [
        row
        for row, key in zip(rows, keys, strict=True)
        if key not in taken and all(link in relations for link in row.data.get("links", []))
    ]
    today = timezone.localdate()
    try:
        with transaction.atomic():
            contacts = [
                Contact(
                    **{name: value for name, value in row.data.items() if name in CONTACT_FIELDS},
                    username=normalize_email(row.data["email"]),
                )
                for row in clear
            ]
            created = bulk_create_with_history(
                contacts, Contact, default_user=job.actor, default_change_reason=_reason(job)
            )
            links = [
                ContactLink(contact=contact, relation=relations[key], from_date=today)
                for contact, row in zip(created, clear, strict=True)
                for key in row.data.get("links", [])
            ]
            bulk_create_with_history(links, ContactLink, default_user=job.actor, default_change_reason=_reason(job))
            for row in clear:
                row.outcome = Outcome.CREATED
            if clear:
                data_changed.send(sender=Contact)
                data_changed.send(sender=ContactLink)
    except IntegrityError:
        clear = []
    written = {id(row) for row in clear}
    _one_by_one([row for row in rows if id(row) not in written], lambda row: _contact_by_services(row, job, relations))


def _save_outcomes(rows: list[ImportRow]) -> None:
    """One UPDATE per outcome for the rows without a message (nearly all), one per row with one:
    bulk_update's CASE over a thousand rows costs seconds to build."""
    plain: dict[str, list[int]] = {}
    for row in rows:
        if row.message:
            ImportRow.objects.filter(pk=row.pk).update(outcome=row.outcome, message=row.message)
        else:
            plain.setdefault(row.outcome, []).append(row.pk)
    for outcome, ids in plain.items():
        ImportRow.objects.filter(pk__in=ids).update(outcome=outcome, message="")


def _run_chunk(job: ImportJob) -> int:
    """The next CHUNK_SIZE pending rows, in one transaction; how many were done (0: none left).
    Rows another worker holds are skipped (skip_locked), so two runs never write a row twice."""
    with transaction.atomic():
        rows = list(
            ImportRow.objects.select_for_update(skip_locked=True)
            .filter(job=job, outcome=Outcome.PENDING)
            .order_by("pk")[:CHUNK_SIZE]
        )
        if not rows:
            return 0
        for row in rows:
            if row.action == Action.UNCHANGED:
                row.outcome = Outcome.UNCHANGED
        relation_rows = [row for row in rows if row.sheet == ImportRow.Sheet.RELATIONS]
        _create_relations([row for row in relation_rows if row.action == Action.CREATE], job)
        _one_by_one(
            [row for row in relation_rows if row.action == Action.UPDATE], lambda row: _relation_by_services(row, job)
        )
        contact_rows = [row for row in rows if row.sheet == ImportRow.Sheet.CONTACTS]
        relations = _relations_by_key(key for row in contact_rows for key in row.data.get("links", []))
        _create_contacts([row for row in contact_rows if row.action == Action.CREATE], job, relations)
        _one_by_one(
            [row for row in contact_rows if row.action == Action.UPDATE],
            lambda row: _contact_by_services(row, job, relations),
        )
        _save_outcomes(rows)
        ImportJob.objects.filter(pk=job.pk).update(done=F("done") + len(rows))
    return len(rows)


def run_import(job: ImportJob) -> ImportJob:
    """Write the job's pending rows; idempotent (a finished job has none left). A crash marks
    the job failed: the chunks done stay, the rest stays pending for a run again."""
    job = ImportJob.objects.select_related("actor").get(pk=job.pk)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING, finished_at=None)
    try:
        while _run_chunk(job):
            pass
    except Exception:
        logger.exception("import %s failed", job.code)
        state = ImportJob.State.FAILED
    else:
        state = ImportJob.State.DONE
    result = dict(ImportRow.objects.filter(job=job).order_by().values_list("outcome").annotate(count=Count("pk")))
    ImportJob.objects.filter(pk=job.pk).update(state=state, finished_at=timezone.now(), result=result)
    job.refresh_from_db()
    return job
