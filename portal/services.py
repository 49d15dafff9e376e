"""Portal flows, built on the services of the domain apps (one way to do each thing)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.models import SecurityEvent
from audit.services import record_security_event
from contacts.models import Contact, ContactLink
from contacts.services.attributes import set_attribute_values
from contacts.services.contacts import normalize_email, update_contact
from contacts.services.links import link_contact, unlink_contact, update_link
from portal.access import may_notify_about_all_tickets, require_may_edit_org_contact
from portal.claims import close_claims, open_claim
from portal.email_change import request_email_change
from portal.invitations import invite_address
from portal.models import OrganisationClaim
from portal.tasks import send_access_link_task
from portal.throttles import (
    count_matched_attempt,
    count_membership_attempt,
    normalize_coc_number,
    normalize_customer_number,
)
from relations.models import Relation
from relations.services import relation_update
from staff.mail import send_templated_mail
from tenants.models import current_contractant
from tenants.urls_for import contractant_url

if TYPE_CHECKING:
    from config.postgresql.base import DatabaseWrapper as TenantDatabaseWrapper

ADDRESS_FIELDS = ["street", "house_number", "postcode", "city", "country"]


def grant_portal_login(*, contact: Contact, password: str | None = None):
    """The contact's login (username = its e-mail); created without a usable password."""
    User = get_user_model()
    with transaction.atomic():
        user = contact.user
        existing = User.objects.filter(username=contact.username).first() if user is None else None
        if existing is not None:
            # A staff login or another contact's login with this name is never taken over.
            if existing.is_staff or hasattr(existing, "contact"):
                return None
            user = existing
            contact.user = user
            contact.save(update_fields=["user"])
        if user is None:
            user = User(username=contact.username, email=contact.email, is_staff=False)
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.save()
            contact.user = user
            contact.save(update_fields=["user"])
        elif password:
            user.set_password(password)
            user.save(update_fields=["password"])
    return user


def request_access_link(*, email: str) -> None:
    """First access and password reset, as asked on the portal's login page.

    The lookup and the e-mail happen in the worker, after this request has answered: a known
    and an unknown address then take the same time to answer, and the page shows the same
    neutral message either way (issue 14, finding 5).
    """
    schema_name = cast("TenantDatabaseWrapper", connection).schema_name
    address = normalize_email(email)
    transaction.on_commit(lambda: send_access_link_task.delay(schema_name, address), robust=True)


def send_access_link(*, email: str) -> bool:
    """The worker's half of request_access_link: an e-mailed one-time link on the contractant's
    own domain, if the address belongs to an active, approved portal member. True when sent."""
    contact = Contact.objects.filter(
        username=normalize_email(email),
        status=Contact.Status.ACTIVE,
        links__status=ContactLink.PortalStatus.APPROVED,
    ).first()
    if contact is None:
        return False
    user = grant_portal_login(contact=contact)
    if user is None or not user.is_active:
        return False
    link = contractant_url(
        current_contractant(),
        "portal:access_confirm",
        uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
        token=default_token_generator.make_token(user),
    )
    send_templated_mail("portal/email/access", {"contact": contact, "link": link}, contact.email)
    return True


def request_membership(
    *, contact: Contact, customer_number: str, coc_number: str, actor, client_address: str | None
) -> ContactLink:
    """Seed 001: join an organisation by customer number + KvK number.

    Every attempt is counted first (portal.throttles: per person, client address, customer
    number and KvK number, and per organisation when both match), so no caller can guess
    unthrottled; `client_address` is the requester's (audit.client_ip.client_ip). Both numbers
    must match one relation; otherwise one neutral message. A match alone never grants rights:
    the request goes to the organisation's administrators (e-mail + portal notice) or, when it
    has none, to the supplier's staff as an organisation claim (portal.claims), who may make
    the requester its administrator.
    """
    count_membership_attempt(
        contact=contact,
        actor=actor,
        client_address=client_address,
        customer_number=customer_number,
        coc_number=coc_number,
    )
    relation = Relation.objects.filter(
        customer_number__iexact=normalize_customer_number(customer_number),
        coc_number=normalize_coc_number(coc_number),
        is_active=True,
    ).first()
    if relation is None:
        raise ValidationError(_("We could not find an organisation with this combination."), code="no_match")
    count_matched_attempt(contact=contact, actor=actor, client_address=client_address, relation=relation)
    existing = ContactLink.objects.filter(contact=contact, relation=relation).first()
    if existing is not None:
        if existing.status == ContactLink.PortalStatus.APPROVED:
            raise ValidationError(_("You are already a member of %(name)s.") % {"name": relation.name})
        if existing.status == ContactLink.PortalStatus.REQUESTED:
            raise ValidationError(_("Your request for %(name)s is still waiting.") % {"name": relation.name})
    request_fields = {
        "status": ContactLink.PortalStatus.REQUESTED,
        "is_admin": False,
        "support_access": ContactLink.SupportAccess.NONE,
    }
    with transaction.atomic():
        has_admin = relation.contact_links.filter(is_admin=True, status=ContactLink.PortalStatus.APPROVED).exists()
        if existing is not None:  # a rejected request may be made again
            link = update_link(link=existing, actor=actor, data=request_fields)
        else:
            link = link_contact(contact=contact, relation=relation, actor=actor, **request_fields)
        if has_admin:
            transaction.on_commit(lambda: _mail_admins_about_request(link.pk))
        else:
            open_claim(link=link, actor=actor)
    return link


def _mail_admins_about_request(link_pk: int) -> None:
    link = ContactLink.objects.select_related("contact", "relation").get(pk=link_pk)
    admins = Contact.objects.filter(
        links__relation=link.relation,
        links__is_admin=True,
        links__status=ContactLink.PortalStatus.APPROVED,
        status=Contact.Status.ACTIVE,
    ).exclude(pk=link.contact_id)
    members_url = contractant_url(current_contractant(), "portal:members", org=link.relation.code)
    for admin in admins:
        context = {"admin": admin, "link": link, "members_url": members_url}
        send_templated_mail("portal/email/request", context, admin.email)


def _locked_link(link: ContactLink) -> ContactLink:
    """The link reloaded and locked until commit, inside the caller's transaction: a decision
    checks the status it changes under that lock, so two decisions cannot both see `requested`.
    Links are locked before claims everywhere (decide_membership, decide_organisation_claim)."""
    return ContactLink.objects.select_for_update(of=("self",)).select_related("contact", "relation").get(pk=link.pk)


def decide_membership(
    *, link: ContactLink, approve: bool, support_access: str, decided_by: Contact, actor
) -> ContactLink:
    """An organisation admin approves (with a support access choice) or rejects a request."""
    if support_access not in ContactLink.SupportAccess.values:
        raise ValidationError(_("Choose the support access for this member."))
    with transaction.atomic():
        link = _locked_link(link)
        if link.status != ContactLink.PortalStatus.REQUESTED:
            raise ValidationError(_("This request has already been decided."))
        link.decided_by = decided_by
        link.decided_at = timezone.now()
        link.save(update_fields=["decided_by", "decided_at"])
        data: dict[str, str] = {
            "status": ContactLink.PortalStatus.APPROVED if approve else ContactLink.PortalStatus.REJECTED
        }
        if approve:
            data["support_access"] = support_access
        link = update_link(link=link, actor=actor, data=data)
        close_claims(link=link, approved=approve, actor=actor)
        _record_decision(link=link, approve=approve, decided_by=decided_by, actor=actor)
        transaction.on_commit(lambda: _mail_requester_about_decision(link.pk))
    return link


def _record_decision(*, link: ContactLink, approve: bool, decided_by: Contact, actor) -> None:
    params = {
        "admin": decided_by.full_name,
        "member": link.contact.full_name,
        "relation": link.relation.name,
        # Lazy: rendered in the log's language by the audit service.
        "access": ContactLink.SupportAccess(link.support_access).label,
    }
    record_security_event(
        kind=SecurityEvent.Kind.MEMBERSHIP_APPROVED if approve else SecurityEvent.Kind.MEMBERSHIP_REJECTED,
        summary=(
            gettext_noop("%(admin)s approved %(member)s as member of %(relation)s (support access: %(access)s).")
            if approve
            else gettext_noop("%(admin)s rejected the membership request of %(member)s for %(relation)s.")
        ),
        summary_params=params,
        actor=actor,
        object_label=link.contact.full_name,
        object_url=reverse("contacts:detail", args=[link.contact_id]),
    )


def decide_organisation_claim(*, claim: OrganisationClaim, approve: bool, actor) -> OrganisationClaim:
    """The supplier's staff decide a claim: approved, the requester becomes the organisation's
    administrator with support access to all its tasks; refused, the request is rejected.
    Either way the requester gets the decision e-mail."""
    with transaction.atomic():
        link = _locked_link(claim.link)
        claim = OrganisationClaim.objects.select_for_update().get(pk=claim.pk)
        claim.link = link
        if claim.status != OrganisationClaim.Status.PENDING or link.status != ContactLink.PortalStatus.REQUESTED:
            raise ValidationError(_("This request has already been decided."))
        now = timezone.now()
        claim.status = OrganisationClaim.Status.APPROVED if approve else OrganisationClaim.Status.REFUSED
        claim.decided_at, claim.decided_by = now, actor
        claim.save(update_fields=["status", "decided_at", "decided_by"])
        link.decided_by, link.decided_at = None, now  # decided by staff, not by a member
        link.save(update_fields=["decided_by", "decided_at"])
        data: dict[str, str | bool] = (
            {
                "status": ContactLink.PortalStatus.APPROVED,
                "is_admin": True,
                "support_access": ContactLink.SupportAccess.ALL,
            }
            if approve
            else {"status": ContactLink.PortalStatus.REJECTED}
        )
        update_link(link=link, actor=actor, data=data)
        record_security_event(
            kind=SecurityEvent.Kind.CLAIM_APPROVED if approve else SecurityEvent.Kind.CLAIM_REFUSED,
            summary=(
                gettext_noop("%(member)s is now the portal administrator of %(relation)s (approved by staff).")
                if approve
                else gettext_noop("The request of %(member)s to join %(relation)s was refused by staff.")
            ),
            summary_params={"member": link.contact.full_name, "relation": link.relation.name},
            actor=actor,
            object_label=link.contact.full_name,
            object_url=reverse("contacts:detail", args=[link.contact_id]),
        )
        transaction.on_commit(lambda: _mail_requester_about_decision(link.pk, by_staff=True))
    return claim


def _mail_requester_about_decision(link_pk: int, *, by_staff: bool = False) -> None:
    link = ContactLink.objects.select_related("contact", "relation").get(pk=link_pk)
    context = {
        "link": link,
        "approved": link.status == ContactLink.PortalStatus.APPROVED,
        "by_staff": by_staff,
        "portal_url": contractant_url(current_contractant(), "portal:home"),
    }
    send_templated_mail("portal/email/decision", context, link.contact.email)


def set_member_access(*, link: ContactLink, support_access: str, is_admin: bool | None = None, actor) -> ContactLink:
    if support_access not in ContactLink.SupportAccess.values:
        raise ValidationError(_("Choose the support access for this member."))
    data: dict[str, str | bool] = {"support_access": support_access}
    if is_admin is not None:
        if not is_admin and link.is_admin:
            others = link.relation.contact_links.filter(is_admin=True, status=ContactLink.PortalStatus.APPROVED)
            if not others.exclude(pk=link.pk).exists():
                raise ValidationError(_("An organisation keeps at least one administrator."))
        data["is_admin"] = is_admin
    return update_link(link=link, actor=actor, data=data)


def remove_member(*, membership: ContactLink, link: ContactLink, actor) -> None:
    """An administrator ends a colleague's membership of the organisation: the link goes (the
    contact itself stays, with its other organisations), the security log records who removed
    whom, and the removed person gets an e-mail after commit. Not yourself (ask another
    administrator) and never the organisation's last administrator."""
    if not membership.is_admin:
        raise ValidationError(_("Only administrators of this organisation can remove members."))
    if link.contact_id == membership.contact_id:
        raise ValidationError(_("You cannot remove yourself; ask another administrator."))
    with transaction.atomic():
        # The organisation's administrators locked first (by pk, the same order for everyone):
        # two administrators removing each other at once cannot leave it without one.
        admins = set(
            ContactLink.objects.select_for_update()
            .filter(relation_id=membership.relation_id, is_admin=True, status=ContactLink.PortalStatus.APPROVED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if membership.pk not in admins:
            raise ValidationError(_("Only administrators of this organisation can remove members."))
        link = _locked_link(link)
        if link.relation_id != membership.relation_id or link.status != ContactLink.PortalStatus.APPROVED:
            raise ValidationError(_("This person is no longer a member of this organisation."))
        if link.is_admin and not admins - {link.pk}:
            raise ValidationError(_("An organisation keeps at least one administrator."))
        contact, relation = link.contact, link.relation
        unlink_contact(link=link, actor=actor)
        record_security_event(
            kind=SecurityEvent.Kind.MEMBER_REMOVED,
            summary=gettext_noop("%(admin)s removed %(member)s as member of %(relation)s."),
            summary_params={
                "admin": membership.contact.full_name,
                "member": contact.full_name,
                "relation": relation.name,
            },
            actor=actor,
            object_label=contact.full_name,
            object_url=reverse("contacts:detail", args=[contact.pk]),
        )
        transaction.on_commit(lambda: _mail_removed_member(contact_pk=contact.pk, relation_pk=relation.pk))


def _mail_removed_member(*, contact_pk: int, relation_pk: int) -> None:
    contact = Contact.objects.get(pk=contact_pk)
    relation = Relation.objects.get(pk=relation_pk)
    context = {
        "contact": contact,
        "relation": relation,
        "portal_url": contractant_url(current_contractant(), "portal:home"),
    }
    send_templated_mail("portal/email/removed", context, contact.email)


def update_organisation_address(*, membership: ContactLink, data: dict, actor, version: int | None = None) -> Relation:
    """NAW from the portal: admins only; recorded in the staff History as the portal user.
    `version`: the one the form was loaded at (audit.updates.lock_for_update), so a save from a
    stale form does not overwrite what staff or another admin saved since."""
    if not membership.is_admin:
        raise ValidationError(_("Only administrators of this organisation can change its details."))
    relation = membership.relation
    relation._change_reason = "portal"
    return relation_update(
        relation=relation,
        actor=actor,
        data={name: data[name] for name in ADDRESS_FIELDS if name in data},
        version=version,
    )


def add_organisation_contact(*, membership: ContactLink, data: dict, actor) -> None:
    """An admin adds a contact by name and e-mail address: whatever the address belongs to, it
    gets an invitation (portal.invitations), and nobody is created or linked until its owner
    accepts. Nothing is returned, so the page can only answer the same way whatever the
    address was. Refused: an address already listed among the organisation's contacts (what
    the admin sees there anyway; one statement, whoever the address belongs to)."""
    if not membership.is_admin:
        raise ValidationError(_("Only administrators of this organisation can add contacts."))
    email = data.get("email", "").strip()
    listed = ContactLink.objects.filter(
        relation=membership.relation, status=ContactLink.PortalStatus.APPROVED, contact__username=normalize_email(email)
    )
    if listed.exists():
        raise ValidationError(_("%(email)s is already a contact of this organisation.") % {"email": email})
    invite_address(membership=membership, data=data, actor=actor)


def update_organisation_contact(
    *, membership: ContactLink, contact: Contact, data: dict, actor, version: int | None = None
) -> Contact:
    """Name, e-mail address and phone of a contact the member may edit (the one rule:
    portal.access.may_edit_org_contact). `version`: the one the form was loaded at.

    The name and phone are saved. Another e-mail address is not: a link to confirm it goes to
    that address (portal.email_change), whether or not it is taken, so this answers the same
    for every address. The same address in other capitals or spacing is saved as typed."""
    require_may_edit_org_contact(membership, contact)
    allowed = {name: data[name] for name in ["first_name", "last_name", "email", "phone"] if name in data}
    new_email = allowed.pop("email", None)
    if new_email is not None and normalize_email(new_email) == contact.username:
        allowed["email"] = new_email
    with transaction.atomic():
        contact = update_contact(contact=contact, actor=actor, data=allowed, version=version)
        if new_email is not None and "email" not in allowed:
            request_email_change(membership=membership, contact=contact, email=new_email, actor=actor)
    return contact


def set_notification_preference(
    *, membership: ContactLink, contact: Contact, scope: str, trigger: str, actor
) -> Contact:
    """The preference of a contact the member may edit (portal.access.may_edit_org_contact: it
    applies to every organisation of that person, so only they set it once they manage their
    own details); scope 'all' only for a contact who may see all tasks of this organisation."""
    if scope not in Contact.NotifyScope.values or trigger not in Contact.NotifyTrigger.values:
        raise ValidationError(_("Choose a valid notification preference."))
    require_may_edit_org_contact(membership, contact)
    if scope == Contact.NotifyScope.ALL and not may_notify_about_all_tickets(membership, contact):
        raise ValidationError(
            _("%(name)s may not see all tickets of this organisation, so cannot be notified about them.")
            % {"name": contact.full_name}
        )
    with transaction.atomic():
        contact.notify_scope = scope
        contact.notify_trigger = trigger
        contact._history_user = actor
        contact.save(update_fields=["notify_scope", "notify_trigger", "updated_at"])
    return contact


def set_organisation_contact_attributes(
    *, membership: ContactLink, contact: Contact, values: dict[int, object], actor
) -> None:
    """Portal attributes of a contact the member may edit (portal.access.may_edit_org_contact);
    only attributes visible and editable in the portal (contacts.services.attributes)."""
    require_may_edit_org_contact(membership, contact)
    set_attribute_values(contact=contact, values=values, actor=actor, via_portal=True)
