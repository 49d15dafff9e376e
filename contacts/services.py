"""Writes on contacts, their links to relations, custom attributes, merges and out-of-service.

`create_contact` and `find_duplicates` are the only ways in for new contacts (staff pages,
portal, demo data and tests alike), so the e-mail duplicate check cannot be bypassed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.models import SecurityEvent
from audit.services import record_security_event
from contacts.models import AttributeDefinition, AttributeValue, Contact, ContactLink, MergeRecord
from tenants.hooks import data_changed
from relations.models import Relation
from staff.ui import search_text
from tasks.bulk_history import execute_with_history
from tasks.models import Task

CONTACT_FIELDS = ["first_name", "last_name", "job_title", "email", "phone", "kind"]
LINK_FIELDS = ["job_title", "is_admin", "is_approver", "status", "support_access", "sync_client_online", "from_date"]


class DuplicateContactError(ValidationError):
    """Refused: a contact with this e-mail exists. Carries it, so the page can link to it."""

    def __init__(self, existing: Contact):
        self.existing = existing
        super().__init__(
            {"email": _("%(name)s already uses this e-mail address.") % {"name": existing.full_name}},
            code="duplicate_email",
        )


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_duplicates(*, email: str, name: str | None = None, exclude_pk: int | None = None) -> list[Contact]:
    """Existing contacts with this e-mail (case and spaces ignored) or a similar name."""
    email = normalize_email(search_text(email, 254))
    filters = Q(username=email) if email else Q(pk__in=[])
    words = [word for word in search_text(name, 200).split() if len(word) >= 2]
    if words:
        last = words[-1]
        similar = (
            Q(last_name__iexact=last) | Q(last_name__istartswith=last[:4])
            if len(last) >= 4
            else Q(last_name__iexact=last)
        )
        if len(words) > 1:
            similar &= Q(first_name__istartswith=words[0][0])
        filters |= similar
    contacts = Contact.objects.filter(filters)
    if exclude_pk:
        contacts = contacts.exclude(pk=exclude_pk)
    return list(contacts.order_by("last_name", "first_name")[:10])


def _existing_with_email(email: str, exclude_pk: int | None = None) -> Contact | None:
    contacts = Contact.objects.filter(username=normalize_email(email))
    if exclude_pk:
        contacts = contacts.exclude(pk=exclude_pk)
    return contacts.first()


def create_contact(
    *,
    actor,
    first_name: str = "",
    last_name: str,
    email: str,
    phone: str = "",
    job_title: str = "",
    kind: str = Contact.Kind.PERSON,
    relation: Relation | None = None,
    link: dict | None = None,
) -> Contact:
    """Create a contact (optionally linked to a relation); refused when the e-mail exists."""
    existing = _existing_with_email(email)
    if existing is not None:
        raise DuplicateContactError(existing)
    try:
        with transaction.atomic():
            contact = Contact(
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                email=email.strip(),
                username=normalize_email(email),
                phone=phone,
                job_title=job_title.strip(),
                kind=kind,
            )
            contact.full_clean()
            contact._history_user = actor
            contact.save()
            data_changed()
            if relation is not None:
                link_contact(contact=contact, relation=relation, actor=actor, **(link or {}))
    except IntegrityError:
        # Someone created the same e-mail a moment ago; the database constraint kept it unique.
        raise DuplicateContactError(_existing_with_email(email)) from None
    return contact


def update_contact(*, contact: Contact, actor, data: dict) -> Contact:
    """Change a contact. A new e-mail is a new username, refused if another contact has it."""
    changed = [name for name in CONTACT_FIELDS if name in data and getattr(contact, name) != data[name]]
    if not changed:
        return contact
    if "email" in changed:
        existing = _existing_with_email(data["email"], exclude_pk=contact.pk)
        if existing is not None:
            raise DuplicateContactError(existing)
    with transaction.atomic():
        for name in changed:
            setattr(contact, name, data[name])
        update_fields = [*changed, "updated_at"]
        if "email" in changed:
            contact.email = contact.email.strip()
            contact.username = normalize_email(contact.email)
            update_fields.append("username")
        contact.full_clean()
        contact._history_user = actor
        contact.save(update_fields=update_fields)
        if "email" in changed and contact.user_id:
            contact.user.username = contact.username
            contact.user.email = contact.email
            contact.user.save(update_fields=["username", "email"])
        data_changed()
    return contact


def link_contact(*, contact: Contact, relation: Relation, actor, **fields) -> ContactLink:
    if not contact.is_active:
        raise ValidationError(_("%(name)s is not active and cannot be linked.") % {"name": contact.full_name})
    if ContactLink.objects.filter(contact=contact, relation=relation).exists():
        raise ValidationError(
            _("%(name)s is already linked to %(relation)s.") % {"name": contact.full_name, "relation": relation.name}
        )
    try:
        with transaction.atomic():
            link = ContactLink(
                contact=contact, relation=relation, **{k: v for k, v in fields.items() if k in LINK_FIELDS}
            )
            link.from_date = link.from_date or timezone.localdate()
            link.full_clean()
            link._history_user = actor
            link.save()
            data_changed()
    except IntegrityError:
        raise ValidationError(
            _("%(name)s is already linked to %(relation)s.") % {"name": contact.full_name, "relation": relation.name}
        ) from None
    return link


def update_link(*, link: ContactLink, actor, data: dict) -> ContactLink:
    changed = [name for name in LINK_FIELDS if name in data and getattr(link, name) != data[name]]
    if not changed:
        return link
    with transaction.atomic():
        for name in changed:
            setattr(link, name, data[name])
        link.full_clean()
        link._history_user = actor
        link.save(update_fields=changed)
        data_changed()
    return link


def unlink_contact(*, link: ContactLink, actor) -> None:
    if link.relation.person_id == link.contact_id:
        raise ValidationError(
            _("%(name)s is the person of this person-relation; the link cannot be removed.")
            % {"name": link.contact.full_name}
        )
    with transaction.atomic():
        link._history_user = actor
        link.delete()
        data_changed()


# --- Person-relations -------------------------------------------------------------------


def create_person_relation(
    *, actor, relation_data: dict, contact: Contact | None = None, contact_data: dict | None = None
) -> Relation:
    """A klant-persoon: the relation and the contact who is that person, one login (seed 003).

    Links an existing contact, or creates one (through create_contact, so the e-mail check
    applies). The person is an approved administrator of their own relation.
    """
    from relations.services import relation_create

    with transaction.atomic():
        if contact is None and contact_data:
            # An existing contact with this e-mail is linked instead of duplicated.
            contact = _existing_with_email(contact_data.get("email", ""))
        if contact is None:
            contact = create_contact(actor=actor, **(contact_data or {}))
        elif hasattr(contact, "person_relation"):
            raise ValidationError(
                _("%(name)s already is the person of %(relation)s.")
                % {"name": contact.full_name, "relation": contact.person_relation.name}
            )
        relation = relation_create(actor=actor, **{**relation_data, "kind": Relation.Kind.PERSON})
        relation.person = contact
        relation._history_user = actor
        relation.save(update_fields=["person"])
        data_changed()
        if not ContactLink.objects.filter(contact=contact, relation=relation).exists():
            link_contact(contact=contact, relation=relation, actor=actor, is_admin=True)
    return relation


# --- Custom attributes ------------------------------------------------------------------


def attribute_define(
    *,
    actor,
    name: str,
    type: str,
    choices: list[str] | None = None,
    visible_in_portal: bool = False,
    editable_in_portal: bool = False,
    position: int = 0,
) -> AttributeDefinition:
    choices = [choice.strip() for choice in (choices or []) if choice.strip()]
    if type == AttributeDefinition.Type.CHOICE and not choices:
        raise ValidationError({"choices": _("A choice attribute needs at least one choice.")})
    with transaction.atomic():
        definition = AttributeDefinition(
            name=name.strip(),
            type=type,
            choices=choices if type == AttributeDefinition.Type.CHOICE else [],
            visible_in_portal=visible_in_portal,
            editable_in_portal=editable_in_portal,
            position=position,
        )
        definition.full_clean()
        definition._history_user = actor
        definition.save()
    return definition


def attribute_update(*, definition: AttributeDefinition, actor, data: dict) -> AttributeDefinition:
    with transaction.atomic():
        for name in ["name", "type", "choices", "visible_in_portal", "editable_in_portal", "position"]:
            if name in data:
                setattr(definition, name, data[name])
        if definition.type == AttributeDefinition.Type.CHOICE and not definition.choices:
            raise ValidationError({"choices": _("A choice attribute needs at least one choice.")})
        definition.full_clean()
        definition._history_user = actor
        definition.save()
    return definition


def clean_attribute_value(definition: AttributeDefinition, raw) -> str:
    """Validate a value for its attribute type and return its canonical text."""
    Type = AttributeDefinition.Type
    if raw is None:
        return ""
    if definition.type == Type.BOOLEAN:
        if isinstance(raw, bool):
            return "true" if raw else "false"
        text = str(raw).strip().lower()
        if text in {"", "none"}:
            return ""
        if text in {"true", "1", "on", "yes", "ja"}:
            return "true"
        if text in {"false", "0", "off", "no", "nee"}:
            return "false"
        raise ValidationError(_("Choose yes or no."))
    text = raw.isoformat() if isinstance(raw, datetime.date) else str(raw).strip()
    if not text:
        return ""
    if definition.type == Type.DATE:
        try:
            return datetime.date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValidationError(_("Enter a date like 2026-12-31.")) from None
    if definition.type == Type.CHOICE and text not in definition.choices:
        raise ValidationError(_("Choose one of: %(choices)s.") % {"choices": ", ".join(definition.choices)})
    if len(text) > 1000:
        raise ValidationError(_("Use at most 1000 characters."))
    return text


def set_attribute_values(*, contact: Contact, values: dict[int, object], actor, via_portal: bool = False) -> None:
    """Set custom attribute values (definition id → raw value); all valid or nothing saved.

    From the portal, only attributes that are visible and editable there may be written:
    the server enforces the flags, not the template (DESIGN.md rule 7).
    """
    definitions = {d.pk: d for d in AttributeDefinition.objects.filter(pk__in=list(values))}
    errors = {}
    cleaned = {}
    for definition_id, raw in values.items():
        definition = definitions.get(int(definition_id))
        if definition is None:
            errors[str(definition_id)] = [_("Unknown attribute.")]
            continue
        if via_portal and not definition.visible_in_portal:
            # Staff-only attributes do not exist as far as the portal is concerned.
            errors[str(definition_id)] = [_("Unknown attribute.")]
            continue
        if via_portal and not definition.editable_in_portal:
            errors[str(definition_id)] = [_("%(name)s cannot be changed in the portal.") % {"name": definition.name}]
            continue
        try:
            cleaned[definition] = clean_attribute_value(definition, raw)
        except ValidationError as exc:
            errors[str(definition_id)] = exc.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = {v.definition_id: v for v in AttributeValue.objects.filter(contact=contact, definition__in=cleaned)}
        for definition, text in cleaned.items():
            value = existing.get(definition.pk)
            if value is None:
                if text:
                    value = AttributeValue(contact=contact, definition=definition, value=text)
                    value._history_user = actor
                    value.save()
            elif not text:
                value._history_user = actor
                value.delete()
            elif value.value != text:
                value.value = text
                value._history_user = actor
                value.save(update_fields=["value"])


# --- Merge ------------------------------------------------------------------------------


def merge_contacts(*, survivor: Contact, duplicate: Contact, actor) -> MergeRecord:
    """Move everything of `duplicate` to `survivor` and remove `duplicate`; audited.

    Links to relations the survivor already has are combined (roles and access kept at the
    widest); the survivor's own attribute values win over the duplicate's.
    """
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("Choose two different contacts to merge."))
    with transaction.atomic():
        survivor = Contact.objects.select_for_update().get(pk=survivor.pk)
        duplicate = Contact.objects.select_for_update().get(pk=duplicate.pk)
        if survivor.successor_id == duplicate.pk or duplicate.successor_id == survivor.pk:
            raise ValidationError(
                _("One of these contacts is to hand over to the other; cancel that out-of-service first.")
            )
        if hasattr(duplicate, "person_relation") and hasattr(survivor, "person_relation"):
            raise ValidationError(_("Both contacts are the person of a person-relation; merge those relations first."))
        moved = {"links": 0, "combined_links": 0, "tasks": 0, "attributes": 0}
        survivor_links = {link.relation_id: link for link in survivor.links.all()}
        access_rank = {"none": 0, "own": 1, "all": 2}
        for link in list(duplicate.links.all()):
            target = survivor_links.get(link.relation_id)
            if target is None:
                link.contact = survivor
                link._history_user = actor
                link.save(update_fields=["contact"])
                moved["links"] += 1
                continue
            target.is_admin |= link.is_admin
            target.is_approver |= link.is_approver
            target.sync_client_online |= link.sync_client_online
            if access_rank[link.support_access] > access_rank[target.support_access]:
                target.support_access = link.support_access
            if link.status == ContactLink.PortalStatus.APPROVED:
                target.status = ContactLink.PortalStatus.APPROVED
            target._history_user = actor
            target.save()
            link._history_user = actor
            link.delete()
            moved["combined_links"] += 1
        user_id = getattr(actor, "pk", None)
        # Set-based moves that still write a history row per task and value (rule 10).
        moved["tasks"] = len(
            execute_with_history(
                Task,
                dml=f'UPDATE "{Task._meta.db_table}" SET reporter_id = %s WHERE reporter_id = %s',
                params=[survivor.pk, duplicate.pk],
                history_type="~",
                user_id=user_id,
                reason="merge",
            )
        )
        value_table = AttributeValue._meta.db_table
        moved["attributes"] = len(
            execute_with_history(
                AttributeValue,
                dml=(
                    f'UPDATE "{value_table}" SET contact_id = %s WHERE contact_id = %s AND definition_id NOT IN '
                    f'(SELECT definition_id FROM "{value_table}" WHERE contact_id = %s)'
                ),
                params=[survivor.pk, duplicate.pk, survivor.pk],
                history_type="~",
                user_id=user_id,
                reason="merge",
            )
        )
        if hasattr(duplicate, "person_relation"):
            relation = duplicate.person_relation
            relation.person = survivor
            relation._history_user = actor
            relation.save(update_fields=["person"])
        for predecessor in Contact.objects.filter(successor=duplicate):
            predecessor.successor = survivor
            predecessor._history_user = actor
            predecessor.save(update_fields=["successor"])
        # The duplicate's history becomes part of the survivor's, as the issue asks.
        Contact.history.filter(id=duplicate.pk).update(id=survivor.pk)
        record = MergeRecord.objects.create(
            survivor=survivor,
            merged_contact_id=duplicate.pk,
            merged_snapshot={
                "name": duplicate.full_name,
                "email": duplicate.email,
                "phone": str(duplicate.phone or ""),
                "job_title": duplicate.job_title,
                "kind": duplicate.kind,
                "status": duplicate.status,
            },
            moved=moved,
            actor=actor,
        )
        if duplicate.user_id and not survivor.user_id:
            login = duplicate.user
            duplicate.user = None
            duplicate.save(update_fields=["user"])
            # The survivor logs in with its own e-mail address from now on.
            login.username, login.email = survivor.username, survivor.email
            login.save(update_fields=["username", "email"])
            survivor.user = login
            survivor.save(update_fields=["user"])
        elif duplicate.user_id:
            duplicate.user.is_active = False
            duplicate.user.save(update_fields=["is_active"])
        duplicate._history_user = actor
        duplicate.delete()
        data_changed()
    return record


# --- Out of service ---------------------------------------------------------------------


@dataclass
class OutOfServicePlan:
    contact: Contact
    successor: Contact
    effective_date: datetime.date
    tasks: list[Task]
    roles: list[ContactLink]
    has_login: bool

    @property
    def is_immediate(self) -> bool:
        return self.effective_date <= timezone.localdate()


def out_of_service_plan(*, contact: Contact, successor: Contact, effective_date: datetime.date) -> OutOfServicePlan:
    """Check an out-of-service request and say what will happen; ValidationError if refused."""
    if successor.pk == contact.pk:
        raise ValidationError(_("The successor must be someone else."))
    if not Contact.objects.filter(pk=successor.pk, code=successor.code).exists():
        raise ValidationError(_("The successor must be a contact of this environment."))
    if successor.status != Contact.Status.ACTIVE or successor.out_of_service_on:
        raise ValidationError(
            _("%(name)s is not an active contact and cannot take over.") % {"name": successor.full_name}
        )
    if contact.status != Contact.Status.ACTIVE:
        raise ValidationError(_("%(name)s is already out of service or inactive.") % {"name": contact.full_name})
    if effective_date is None:
        raise ValidationError(_("Enter the date from which the contact is out of service."))
    handing_over = Contact.objects.filter(successor=contact, out_of_service_applied_at__isnull=True).first()
    if handing_over is not None:
        raise ValidationError(
            _("%(name)s is to take over from %(other)s; choose another successor for %(other)s first.")
            % {"name": contact.full_name, "other": handing_over.full_name}
        )
    return OutOfServicePlan(
        contact=contact,
        successor=successor,
        effective_date=effective_date,
        tasks=list(Task.objects.filter(reporter=contact).exclude(status=Task.Status.CLOSED).order_by("pk")),
        roles=list(contact.links.filter(Q(is_admin=True) | Q(is_approver=True)).select_related("relation")),
        has_login=bool(contact.user_id and contact.user.is_active),
    )


def mark_out_of_service(*, contact: Contact, successor: Contact, effective_date: datetime.date, actor) -> Contact:
    """Seed 002 "uitdienst": today or earlier = at once; a future date = applied by the beat job."""
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        plan = out_of_service_plan(contact=contact, successor=successor, effective_date=effective_date)
        contact.successor = plan.successor
        contact.out_of_service_on = effective_date
        contact._history_user = actor
        contact.save(update_fields=["successor", "out_of_service_on", "updated_at"])
        if plan.is_immediate:
            _apply_out_of_service(contact=contact, actor=actor)
        else:
            _record_out_of_service(
                contact=contact,
                kind=SecurityEvent.Kind.OUT_OF_SERVICE_SCHEDULED,
                summary=gettext_noop("%(contact)s will be out of service from %(date)s; %(successor)s takes over."),
                actor=actor,
            )
    return contact


def cancel_out_of_service(*, contact: Contact, actor) -> Contact:
    with transaction.atomic():
        # Locked and read afresh: the beat job may be applying this very out-of-service.
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if contact.out_of_service_applied_at:
            raise ValidationError(_("This contact is already out of service; that cannot be cancelled."))
        if contact.out_of_service_on:
            _record_out_of_service(
                contact=contact,
                kind=SecurityEvent.Kind.OUT_OF_SERVICE_CANCELLED,
                summary=gettext_noop(
                    "Out of service of %(contact)s (from %(date)s, successor %(successor)s) cancelled."
                ),
                actor=actor,
            )
        contact.successor = None
        contact.out_of_service_on = None
        contact._history_user = actor
        contact.save(update_fields=["successor", "out_of_service_on", "updated_at"])
    return contact


def _record_out_of_service(*, contact: Contact, kind: str, summary: str, actor) -> None:
    successor = contact.successor
    record_security_event(
        kind=kind,
        summary=summary,
        summary_params={
            "contact": contact.full_name,
            "successor": successor.full_name if successor else "—",
            "date": formats.date_format(contact.out_of_service_on, "d-m-Y") if contact.out_of_service_on else "—",
        },
        actor=actor,
        object_label=contact.full_name,
        object_url=reverse("contacts:detail", args=[contact.pk]),
    )


def _apply_out_of_service(*, contact: Contact, actor) -> None:
    table = Task._meta.db_table
    execute_with_history(
        Task,
        dml=(
            f"UPDATE \"{table}\" SET reporter_id = %s, updated_at = now() WHERE reporter_id = %s AND status <> 'closed'"
        ),
        params=[contact.successor_id, contact.pk],
        history_type="~",
        user_id=getattr(actor, "pk", None),
        reason="out_of_service",
    )
    for link in contact.links.filter(Q(is_admin=True) | Q(is_approver=True)):
        link.is_admin = link.is_approver = False
        link._history_user = actor
        link.save(update_fields=["is_admin", "is_approver"])
    if contact.user_id:
        contact.user.is_active = False
        contact.user.save(update_fields=["is_active"])
    contact.status = Contact.Status.OUT_OF_SERVICE
    contact.out_of_service_applied_at = timezone.now()
    contact._history_user = actor
    contact.save(update_fields=["status", "out_of_service_applied_at", "updated_at"])
    _record_out_of_service(
        contact=contact,
        kind=SecurityEvent.Kind.OUT_OF_SERVICE_APPLIED,
        summary=gettext_noop(
            "%(contact)s is out of service as of %(date)s: open tasks to %(successor)s, admin roles and portal "
            "login removed."
        ),
        actor=actor,
    )
    # Its Client Online user goes, in safe order, with the next sync (DESIGN.md rule 5).
    data_changed()


def apply_due_out_of_service(*, today: datetime.date | None = None) -> int:
    """Apply every scheduled out-of-service whose date has come, exactly once (Celery beat).

    Rows are locked and skipped when another worker holds them, and `applied_at` marks them
    done, so overlapping runs never apply one twice.
    """
    today = today or timezone.localdate()
    applied = 0
    with transaction.atomic():
        due = (
            Contact.objects.select_for_update(skip_locked=True)
            .filter(out_of_service_on__lte=today, out_of_service_applied_at__isnull=True, status=Contact.Status.ACTIVE)
            .exclude(successor=None)
        )
        for contact in due:
            _apply_out_of_service(contact=contact, actor=None)
            applied += 1
    return applied
