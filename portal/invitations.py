"""Invitations: an organisation's administrator adds an address that already belongs to a
contact, and that person decides whether the organisation may have them (issue 14, AVG).

Nothing of the person is shown to the organisation until they accept: its list shows only
what its administrator typed, marked "invited". The e-mailed link carries a signed token
(django.core.signing, with a maximum age) naming the invitation's random code; the person
accepts while logged in to the portal as themselves.
"""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, cast

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.models import SecurityEvent
from audit.services import record_security_event
from contacts.models import Contact, ContactLink
from contacts.services.links import link_contact, update_link
from portal.models import ContactInvitation
from portal.tasks import send_invitation_task
from staff.mail import send_templated_mail
from tenants.models import current_contractant
from tenants.urls_for import contractant_base_url

if TYPE_CHECKING:
    from config.postgresql.base import DatabaseWrapper as TenantDatabaseWrapper

INVITATION_DAYS = 14
_SALT = "portal.invitation"


def invitation_token(invitation: ContactInvitation) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(invitation.code.hex)


def invitation_code(token: str) -> uuid.UUID | None:
    """The invitation code a token names, if its signature holds and it is not too old."""
    try:
        value = signing.TimestampSigner(salt=_SALT).unsign(token, max_age=datetime.timedelta(days=INVITATION_DAYS))
        return uuid.UUID(hex=value)
    except (signing.BadSignature, ValueError):
        return None


def invite_contact(*, membership: ContactLink, contact: Contact, data: dict, actor) -> ContactInvitation | None:
    """Invite an existing contact to the membership's organisation (see the module).

    Someone already a member gets nothing. An open invitation is not sent again until it has
    expired, so adding the same address twice mails the person once. A contact who is not
    active (out of service) gets no e-mail, but the organisation's list shows the invitation
    all the same: what the administrator sees never depends on whom the address belongs to.
    """
    relation = membership.relation
    if contact.links.filter(relation=relation, status=ContactLink.PortalStatus.APPROVED).exists():
        return None
    now = timezone.now()
    try:
        with transaction.atomic():
            invitation = (
                ContactInvitation.objects.select_for_update()
                .filter(relation=relation, contact=contact, accepted_at__isnull=True)
                .first()
            )
            if invitation is not None and not invitation.is_expired:
                return invitation
            invitation = invitation or ContactInvitation(relation=relation, contact=contact)
            invitation.code = uuid.uuid4()  # a renewed invitation's old link stops working
            invitation.email = data["email"].strip()
            invitation.first_name = data.get("first_name", "").strip()
            invitation.last_name = data["last_name"].strip()
            invitation.invited_by = membership.contact
            invitation.created_at = now
            invitation.expires_at = now + datetime.timedelta(days=INVITATION_DAYS)
            invitation.full_clean()
            invitation.save()
            _record_invitation(invitation=invitation, emailed=contact.is_active, actor=actor)
            if contact.is_active:
                schema_name = cast("TenantDatabaseWrapper", connection).schema_name
                transaction.on_commit(lambda: send_invitation_task.delay(schema_name, invitation.pk), robust=True)
    except IntegrityError:
        return None  # another administrator invited them a moment ago; that one was sent
    return invitation


def _record_invitation(*, invitation: ContactInvitation, emailed: bool, actor) -> None:
    params = {
        "admin": invitation.invited_by.full_name if invitation.invited_by else "",
        "person": invitation.contact.full_name,
        "relation": invitation.relation.name,
    }
    record_security_event(
        kind=SecurityEvent.Kind.INVITATION_SENT,
        summary=(
            gettext_noop("%(admin)s invited %(person)s to join %(relation)s as a contact.")
            if emailed
            else gettext_noop(
                "%(admin)s added the address of %(person)s (not active) to %(relation)s; no invitation was e-mailed."
            )
        ),
        summary_params=params,
        actor=actor,
        object_label=invitation.contact.full_name,
        object_url=reverse("contacts:detail", args=[invitation.contact_id]),
    )


def send_invitation(*, invitation_id: int) -> bool:
    """E-mail the invitation with its link on the contractant's own domain (Celery: idempotent
    in effect, an invitation no longer open is not sent)."""
    invitation = (
        ContactInvitation.objects.select_related("contact", "relation", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None or not invitation.contact.is_active:
        return False
    link = contractant_base_url(current_contractant()) + reverse(
        "portal:invitation", kwargs={"token": invitation_token(invitation)}
    )
    context = {"invitation": invitation, "contact": invitation.contact, "link": link}
    send_templated_mail("portal/email/invitation", context, invitation.contact.email)
    return True


def accept_invitation(*, invitation: ContactInvitation, contact: Contact, actor) -> ContactLink:
    """The invited person accepts: linked to the organisation as an approved member without
    support access (its administrators choose that on Members)."""
    with transaction.atomic():
        invitation = (
            ContactInvitation.objects.select_for_update(of=("self",)).select_related("relation").get(pk=invitation.pk)
        )
        if invitation.contact_id != contact.pk or invitation.accepted_at is not None or invitation.is_expired:
            raise ValidationError(_("This invitation is no longer valid."))
        relation = invitation.relation
        link = ContactLink.objects.filter(contact=contact, relation=relation).first()
        if link is None:
            link = link_contact(
                contact=contact, relation=relation, actor=actor, status=ContactLink.PortalStatus.APPROVED
            )
        elif link.status != ContactLink.PortalStatus.APPROVED:
            link = update_link(link=link, actor=actor, data={"status": ContactLink.PortalStatus.APPROVED})
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        record_security_event(
            kind=SecurityEvent.Kind.INVITATION_ACCEPTED,
            summary=gettext_noop("%(person)s accepted the invitation to join %(relation)s as a contact."),
            summary_params={"person": contact.full_name, "relation": relation.name},
            actor=actor,
            object_label=contact.full_name,
            object_url=reverse("contacts:detail", args=[contact.pk]),
        )
    return link
