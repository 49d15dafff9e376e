"""Out of service (seed 002 "uitdienst"): a contact leaves and a successor takes over.

What the leaving contact still has open in apps above contacts (its open tasks) goes to the
successor through their handovers (contacts.hooks); its admin and approver roles and its portal
login go.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.models import SecurityEvent
from audit.services import record_security_event
from contacts.hooks import handovers
from contacts.models import Contact, ContactLink
from outbox.services import event_record
from tenants.hooks import data_changed


@dataclass
class OutOfServicePlan:
    contact: Contact
    successor: Contact
    effective_date: datetime.date
    roles: list[ContactLink]
    has_login: bool
    # Handover name -> what the successor takes over (contacts.hooks).
    handed_over: dict[str, list] = field(default_factory=dict)

    @property
    def is_immediate(self) -> bool:
        return self.effective_date <= timezone.localdate()

    @property
    def tasks(self) -> list:
        """The open tasks that move, as the page previews and counts them (the tasks app's handover)."""
        return self.handed_over.get("tasks", [])


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
        roles=list(contact.links.filter(Q(is_admin=True) | Q(is_approver=True)).select_related("relation")),
        has_login=contact.user is not None and contact.user.is_active,
        handed_over={handover.name: handover.pending(contact) for handover in handovers()},
    )


def mark_out_of_service(*, contact: Contact, successor: Contact, effective_date: datetime.date, actor) -> Contact:
    """Today or earlier = at once; a future date = applied by the beat job."""
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
            "date": (
                formats.date_format(contact.out_of_service_on, "SHORT_DATE_FORMAT")
                if contact.out_of_service_on
                else "—"
            ),
        },
        actor=actor,
        object_label=contact.full_name,
        object_url=reverse("contacts:detail", args=[contact.pk]),
    )


def _apply_out_of_service(*, contact: Contact, actor) -> None:
    for handover in handovers():
        handover.hand_over(contact=contact, actor=actor)
    for link in contact.links.filter(Q(is_admin=True) | Q(is_approver=True)):
        link.is_admin = link.is_approver = False
        link._history_user = actor
        link.save(update_fields=["is_admin", "is_approver"])
    if (login := contact.user) is not None:
        login.is_active = False
        login.save(update_fields=["is_active"])
    contact.status = Contact.Status.OUT_OF_SERVICE
    contact.out_of_service_applied_at = timezone.now()
    contact._history_user = actor
    contact.save(update_fields=["status", "out_of_service_applied_at", "updated_at"])
    event_record(
        kind="contact.out_of_service", payload={"contact_id": contact.pk, "successor_id": contact.successor_id}
    )
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
    data_changed.send(sender=Contact)


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
