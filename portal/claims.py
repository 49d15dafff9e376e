"""Organisation claims: a request to join an organisation without portal administrator waits in
the staff queue (portal.models.OrganisationClaim). Opened by portal.services.request_membership;
decided by staff (portal.services.decide_organisation_claim), or closed when the request is
decided another way (its admins on Members, an accepted invitation)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from audit.models import SecurityEvent
from audit.services import record_security_event
from contacts.models import ContactLink
from notifications.kinds import Kind as NotificationKind
from notifications.selectors import staff_administrators
from notifications.services import notify
from portal.models import OrganisationClaim


def open_claim(*, link: ContactLink, actor) -> OrganisationClaim:
    """The request `link` goes to the staff queue; the caller holds the transaction."""
    # A claim left pending by a decision made elsewhere (staff changed the link) is reused.
    claim, _created = OrganisationClaim.objects.update_or_create(
        link=link, status=OrganisationClaim.Status.PENDING, defaults={"requested_at": timezone.now()}
    )
    record_security_event(
        kind=SecurityEvent.Kind.CLAIM_REQUESTED,
        summary=gettext_noop(
            "%(member)s asked to join %(relation)s, which has no portal administrator: waiting for staff approval."
        ),
        summary_params={"member": link.contact.full_name, "relation": link.relation.name},
        actor=actor,
        object_label=link.contact.full_name,
        object_url=reverse("contacts:detail", args=[link.contact_id]),
    )
    # The staff administrators hear of it under the bell; the requester is a customer, not a
    # staff actor to leave out.
    notify(
        recipients=staff_administrators(),
        kind=NotificationKind.REQUEST_WAITING,
        params={"member": link.contact.full_name, "relation": link.relation.name},
        url=reverse("portal_staff:claims"),
        key=f"claim:{claim.pk}:{claim.requested_at.isoformat()}",
    )
    return claim


def close_claims(*, link: ContactLink, approved: bool, actor) -> None:
    """A request decided another way (its organisation's admins, an accepted invitation) leaves
    no claim waiting in the staff queue; the caller holds the transaction (and the link's lock)."""
    OrganisationClaim.objects.filter(link=link, status=OrganisationClaim.Status.PENDING).update(
        status=OrganisationClaim.Status.APPROVED if approved else OrganisationClaim.Status.REFUSED,
        decided_at=timezone.now(),
        decided_by=actor if getattr(actor, "pk", None) else None,
    )
