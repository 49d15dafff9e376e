"""The portal's choke point: who may see which organisation, contact and task.

Every portal view starts with one of these helpers. A missing object and one the user may
not see give the same 404, so ids of other organisations reveal nothing.
"""

from __future__ import annotations

import uuid
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import Contact, ContactLink
from portal.email_change import EmailChange, email_change_payload
from portal.invitations import invitation_code
from portal.models import ContactInvitation, OrganisationClaim
from portal.selectors import contact_of, memberships
from tasks.models import Task, TaskAttachment
from tasks.selectors import public_messages


def portal_contact(user) -> Contact | None:
    """The active contact behind a portal login, or None for anyone else (staff, anonymous)."""
    if not user.is_authenticated or user.is_staff:
        return None
    contact = contact_of(user)
    if contact is None or contact.status != Contact.Status.ACTIVE:
        return None
    return contact


def portal_required(view):
    """A logged-in portal user with an active contact; staff-only accounts are refused."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        contact = portal_contact(request.user)
        if contact is None:
            raise PermissionDenied
        request.contact = contact
        return view(request, *args, **kwargs)

    return wrapper


def _uuid_or_404(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def approved_memberships(request) -> list[ContactLink]:
    """The portal user's approved memberships, read once per request: the organisation switcher
    lists them, and get_membership_for_portal_user() picks the current one from the same list."""
    if not hasattr(request, "_approved_memberships"):
        request._approved_memberships = list(memberships(request.contact))
    return request._approved_memberships


def get_membership_for_portal_user(request, org_code) -> ContactLink:
    """The user's approved membership of the organisation named in the URL."""
    code = _uuid_or_404(org_code)
    for link in approved_memberships(request):
        if link.relation.code == code:
            return link
    raise Http404


def org_contacts_for_portal_user(membership: ContactLink, *, to_edit: bool = False) -> QuerySet[Contact]:
    """The one rule for which contacts of the membership's organisation its member may open,
    and (to_edit) whose details they may change: name, e-mail address, phone, notification
    preference and portal attributes alike (may_edit_org_contact):

    - everyone: themselves;
    - an administrator: every contact with an approved link to the organisation, but to edit
      only those who do not manage their own: no portal login and no link to any other
      organisation. Otherwise an admin could change a stranger's e-mail address (their login
      name, and take over their login), or a preference that applies to the person's other
      organisations too."""
    themselves = Contact.objects.filter(pk=membership.contact_id)
    if not membership.is_admin:
        return themselves
    # The ids as one UNION (the organisation's links by relation, and the member), not an OR
    # with EXISTS: that would test each of 250,000 contacts to find an organisation's few
    # hundred (issue 17).
    relation_id = membership.relation_id
    in_org = ContactLink.objects.filter(relation_id=relation_id, status=ContactLink.PortalStatus.APPROVED)
    if to_edit:
        elsewhere = ContactLink.objects.filter(contact=OuterRef("contact_id")).exclude(relation_id=relation_id)
        in_org = in_org.filter(contact__user__isnull=True).exclude(Exists(elsewhere))
    ids = in_org.order_by().values("contact_id").union(themselves.order_by().values("pk"))
    return Contact.objects.filter(pk__in=ids)


def may_edit_org_contact(membership: ContactLink, contact: Contact) -> bool:
    """May this member change that contact (details, notification preference, attributes)?"""
    if contact.pk == membership.contact_id:
        return True
    return org_contacts_for_portal_user(membership, to_edit=True).filter(pk=contact.pk).exists()


def may_notify_about_all_tickets(membership: ContactLink, contact: Contact) -> bool:
    """May that contact be e-mailed about every ticket of this organisation? Only with support
    access to all of them (one statement)."""
    return contact.links.filter(relation=membership.relation, support_access=ContactLink.SupportAccess.ALL).exists()


def require_may_edit_org_contact(membership: ContactLink, contact: Contact) -> None:
    """Every portal service that changes a contact starts here; the refusal is a message the page shows."""
    if not may_edit_org_contact(membership, contact):
        raise ValidationError(
            _("%(name)s manages their own details; ask them to change these themselves.") % {"name": contact.full_name},
            code="manages_own_details",
        )


def get_org_contact_for_portal_user(request, membership: ContactLink, contact_code) -> Contact:
    """A contact of the organisation the member may open (org_contacts_for_portal_user)."""
    code = _uuid_or_404(contact_code)
    if code == request.contact.code:
        return request.contact  # that rule always lets members open themselves: no second read
    contact = org_contacts_for_portal_user(membership).filter(code=code).first()
    if contact is None:
        raise Http404
    return contact


def get_member_link_for_portal_user(membership: ContactLink, link_id) -> ContactLink:
    """A membership (any status) of the organisation, for its administrators to decide on or
    change; 404 for anyone else and for a link of another organisation."""
    require_admin(membership)
    link = (
        ContactLink.objects.select_related("contact", "relation")
        .filter(pk=link_id, relation_id=membership.relation_id)
        .first()
    )
    if link is None:
        raise Http404
    return link


def visible_tasks(membership: ContactLink):
    """Tasks of the organisation this membership's support access allows."""
    if membership.support_access == ContactLink.SupportAccess.ALL:
        return Task.objects.filter(links__relation=membership.relation)
    if membership.support_access == ContactLink.SupportAccess.OWN:
        return Task.objects.filter(Q(links__relation=membership.relation) & Q(reporter=membership.contact))
    return Task.objects.none()


def get_task_for_portal_user(request, membership: ContactLink, task_code) -> Task:
    task = visible_tasks(membership).filter(code=_uuid_or_404(task_code)).first()
    if task is None:
        raise Http404
    return task


def get_attachment_for_portal_user(request, task: Task, attachment_code) -> TaskAttachment:
    """A file of a task the user may open (get_task_for_portal_user), and only a public one: on
    a reply customers may read (tasks.selectors.public_messages: no internal note, no held
    e-mail) or on the task itself. Any other file answers 404, like a missing one."""
    readable = Q(message__isnull=True) | Q(message__in=public_messages(task).values("pk"))
    attachment = TaskAttachment.objects.filter(readable, task=task, code=_uuid_or_404(attachment_code)).first()
    if attachment is None:
        raise Http404
    return attachment


def require_admin(membership: ContactLink) -> None:
    if not membership.is_admin:
        raise Http404


def require_support_access(membership: ContactLink) -> None:
    """Task pages exist only for members with support access to this organisation."""
    if membership.support_access == ContactLink.SupportAccess.NONE:
        raise Http404


def get_invitation_for_token(token: str) -> ContactInvitation:
    """The open invitation the token of its e-mailed link names; 404 for a bad, expired, used or
    declined token and for an organisation no longer active. No login is asked: the token was
    mailed to the invited address, so whoever holds it controls that address."""
    code = invitation_code(token)
    invitation = (
        ContactInvitation.objects.select_related("relation", "invited_by")
        .filter(
            code=code,
            accepted_at__isnull=True,
            declined_at__isnull=True,
            expires_at__gt=timezone.now(),
            relation__is_active=True,
        )
        .first()
        if code is not None
        else None
    )
    if invitation is None:
        raise Http404
    return invitation


def get_email_change_for_token(token: str) -> EmailChange:
    """The change of address the token of its e-mailed link asks (portal.email_change); 404 for a
    bad or expired token, once the contact's address changed since it was asked (so it works
    once), and when the member who asked may no longer edit that contact."""
    payload = email_change_payload(token)
    if payload is None:
        raise Http404
    membership = (
        ContactLink.objects.select_related("contact", "relation")
        .filter(pk=payload["m"], status=ContactLink.PortalStatus.APPROVED, relation__is_active=True)
        .first()
    )
    contact = Contact.objects.filter(pk=payload["c"], username=payload["u"]).first()
    if membership is None or contact is None or not may_edit_org_contact(membership, contact):
        raise Http404
    return EmailChange(membership=membership, contact=contact, email=payload["e"])


def get_claim_for_staff(request, pk: int) -> OrganisationClaim:
    """An organisation claim for the staff queue (staff.access.staff_required views)."""
    claim = OrganisationClaim.objects.select_related("link__contact", "link__relation").filter(pk=pk).first()
    if claim is None:
        raise Http404
    return claim
