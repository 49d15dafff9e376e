"""Invitations: how an address an organisation's administrator adds in the portal becomes one
of its contacts, only if its owner agrees (issue 14, AVG).

One path for every address, whoever it belongs to (someone new, a known contact, active or out
of service, the login name of a staff user): an invitation with the name and address the admin
typed, e-mailed to that address by the worker. The admin's list shows exactly that, marked
"invited", so what they see never depends on whom the address belongs to. The e-mailed link
carries a signed token (django.core.signing, with a maximum age) naming the invitation's random
code; whoever opens it proves control of the address, as with an access link, so accepting or
declining needs no portal login. Only on acceptance does the address decide what happens: its
contact is linked, or a contact is created with the typed names; an address that cannot be a
contact here is told so, on the page of its own owner (AddressUnusable), and the admin's row
stays "invited" until it expires.
"""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, cast

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.models import SecurityEvent
from audit.services import record_security_event
from contacts.models import Contact, ContactLink
from contacts.services.contacts import DuplicateContactError, contact_with_email, create_contact, normalize_email
from contacts.services.links import link_contact, update_link
from portal.claims import close_claims
from portal.models import ContactInvitation
from portal.tasks import send_invitation_task
from staff.mail import send_templated_mail
from tenants.models import current_contractant
from tenants.urls_for import contractant_url

if TYPE_CHECKING:
    from config.postgresql.base import DatabaseWrapper as TenantDatabaseWrapper

INVITATION_DAYS = 14
_SALT = "portal.invitation"


class AddressUnusable(ValidationError):
    """Refused when accepted or confirmed: this address cannot be a contact's here (the login name
    of a staff user or of another contact's login, or a contact who is out of service). Shown only
    to whoever holds the address, never to the one who typed it."""

    def __init__(self):
        super().__init__(
            _("This e-mail address cannot be used here. Please contact our support desk."), code="address_unusable"
        )


def invitation_token(invitation: ContactInvitation) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(invitation.code.hex)


def invitation_code(token: str) -> uuid.UUID | None:
    """The invitation code a token names, if its signature holds and it is not too old."""
    try:
        value = signing.TimestampSigner(salt=_SALT).unsign(token, max_age=datetime.timedelta(days=INVITATION_DAYS))
        return uuid.UUID(hex=value)
    except (signing.BadSignature, ValueError):
        return None


def invite_address(*, membership: ContactLink, data: dict, actor) -> ContactInvitation | None:
    """Invite the address in `data` (with the typed first and last name) to the membership's
    organisation; the same for every address (see the module).

    An invitation still running (waiting or declined) is not sent again until it has expired,
    so adding the same address twice mails its owner once; an expired one is renewed with the
    newly typed name and a new link. The caller has refused addresses already listed as the
    organisation's contacts (portal.services.add_organisation_contact)."""
    relation = membership.relation
    email = data["email"].strip()
    now = timezone.now()
    try:
        with transaction.atomic():
            running = (
                ContactInvitation.objects.select_for_update()
                .alias(address=Lower("email"))
                .filter(relation=relation, address=normalize_email(email), accepted_at__isnull=True)
                .first()
            )
            if running is not None and not running.is_expired:
                return running
            invitation: ContactInvitation = running or ContactInvitation(relation=relation)
            invitation.code = uuid.uuid4()  # a renewed invitation's old link stops working
            invitation.email = email
            invitation.first_name = data.get("first_name", "").strip()
            invitation.last_name = data["last_name"].strip()
            invitation.invited_by = membership.contact
            invitation.created_at = now
            invitation.expires_at = now + datetime.timedelta(days=INVITATION_DAYS)
            invitation.declined_at = None
            invitation.full_clean()
            invitation.save()
            _record_invitation(invitation=invitation, actor=actor)
            schema_name = cast("TenantDatabaseWrapper", connection).schema_name
            transaction.on_commit(lambda: send_invitation_task.delay(schema_name, invitation.pk), robust=True)
    except IntegrityError:
        return None  # another administrator invited this address a moment ago; that one was sent
    return invitation


def _record_invitation(*, invitation: ContactInvitation, actor) -> None:
    record_security_event(
        kind=SecurityEvent.Kind.INVITATION_SENT,
        summary=gettext_noop("%(admin)s invited %(address)s (%(name)s) to join %(relation)s as a contact."),
        summary_params={
            "admin": invitation.invited_by.full_name if invitation.invited_by else "",
            "address": invitation.email,
            "name": invitation.full_name,
            "relation": invitation.relation.name,
        },
        actor=actor,
        object_label=invitation.relation.name,
        object_url=reverse("relations:detail", args=[invitation.relation_id]),
    )


def send_invitation(*, invitation_id: int) -> bool:
    """E-mail the invitation to the typed address, with its link on the contractant's own domain
    (Celery: idempotent in effect, an invitation no longer open is not sent)."""
    invitation = (
        ContactInvitation.objects.select_related("relation", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True, declined_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None:
        return False
    link = contractant_url(current_contractant(), "portal:invitation", token=invitation_token(invitation))
    send_templated_mail("portal/email/invitation", {"invitation": invitation, "link": link}, invitation.email)
    return True


def _locked_open_invitation(invitation: ContactInvitation) -> ContactInvitation:
    invitation = (
        ContactInvitation.objects.select_for_update(of=("self",)).select_related("relation").get(pk=invitation.pk)
    )
    if not invitation.is_open or not invitation.relation.is_active:
        raise ValidationError(_("This invitation is no longer valid."), code="invalid")
    return invitation


def accept_invitation(*, invitation: ContactInvitation, actor) -> ContactLink:
    """The owner of the invited address accepts (the e-mailed token is the proof): the contact
    with that address, or a new one with the typed names, becomes an approved member without
    support access (its administrators choose that on Members). A request of theirs still
    waiting for the organisation is decided by this, and a claim on it leaves the staff queue.
    `actor`: the portal login of whoever opened the link, None when nobody was logged in."""
    with transaction.atomic():
        invitation = _locked_open_invitation(invitation)
        relation = invitation.relation
        contact = _contact_for(invitation, actor=actor)
        link = ContactLink.objects.select_for_update().filter(contact=contact, relation=relation).first()
        if link is None:
            link = link_contact(
                contact=contact, relation=relation, actor=actor, status=ContactLink.PortalStatus.APPROVED
            )
        elif link.status != ContactLink.PortalStatus.APPROVED:
            link = update_link(link=link, actor=actor, data={"status": ContactLink.PortalStatus.APPROVED})
            close_claims(link=link, approved=True, actor=None)
        invitation.accepted_at = timezone.now()
        invitation.contact = contact
        invitation.save(update_fields=["accepted_at", "contact"])
        record_security_event(
            kind=SecurityEvent.Kind.INVITATION_ACCEPTED,
            summary=gettext_noop("%(person)s accepted the invitation to join %(relation)s as a contact."),
            summary_params={"person": contact.full_name, "relation": relation.name},
            actor=actor,
            object_label=contact.full_name,
            object_url=reverse("contacts:detail", args=[contact.pk]),
        )
    return link


def _contact_for(invitation: ContactInvitation, *, actor) -> Contact:
    """The contact the invited address belongs to, or a new one with the typed names."""
    contact = contact_with_email(invitation.email)
    if contact is None:
        try:
            contact = create_contact(
                actor=actor, first_name=invitation.first_name, last_name=invitation.last_name, email=invitation.email
            )
        except DuplicateContactError as exc:
            if exc.existing is None:  # a login name: no contact may have it
                raise AddressUnusable() from None
            contact = exc.existing  # created by someone else a moment ago
    if not contact.is_active:
        # Out of service: staff decide whether this person comes back, not an e-mail link.
        raise AddressUnusable()
    return contact


def decline_invitation(*, invitation: ContactInvitation, actor) -> ContactInvitation:
    """The owner of the invited address says no: nothing is linked or created, the link stops
    working, and the organisation's list says "declined" until the invitation expires."""
    with transaction.atomic():
        invitation = _locked_open_invitation(invitation)
        invitation.declined_at = timezone.now()
        invitation.save(update_fields=["declined_at"])
    return invitation
