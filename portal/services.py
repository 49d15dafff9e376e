"""Portal flows, built on the services of the domain apps (one way to do each thing)."""

from __future__ import annotations

from typing import cast

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.models import SecurityEvent
from audit.services import record_security_event
from contacts.models import Contact, ContactLink
from contacts.services.contacts import contact_with_email, create_contact, normalize_email, update_contact
from contacts.services.links import link_contact, update_link
from portal.access import org_contacts_for_portal_user
from relations.models import Relation
from relations.services import relation_update
from staff.mail import send_templated_mail

ADDRESS_FIELDS = ["street", "house_number", "postcode", "city", "country"]
MEMBERSHIP_ATTEMPTS_PER_HOUR = 5


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


def send_access_link(*, email: str, base_url: str) -> None:
    """First access and password reset: an e-mailed one-time link. The caller always shows
    the same neutral message, whether or not the address belongs to anyone."""
    contact = Contact.objects.filter(
        username=normalize_email(email),
        status=Contact.Status.ACTIVE,
        links__status=ContactLink.PortalStatus.APPROVED,
    ).first()
    if contact is None:
        return
    user = grant_portal_login(contact=contact)
    if user is None or not user.is_active:
        return
    link = base_url + reverse(
        "portal:access_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {"contact": contact, "link": link}
    send_templated_mail("portal/email/access", context, contact.email)


def _throttle_membership_requests(contact: Contact) -> None:
    key = f"portal:membership-attempts:{contact.pk}"
    # With a default of 0 the count is always there.
    attempts = cast(int, cache.get_or_set(key, 0, 3600))
    if attempts >= MEMBERSHIP_ATTEMPTS_PER_HOUR:
        raise ValidationError(_("Too many attempts. Try again in an hour."), code="throttled")
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, 3600)


def request_membership(*, contact: Contact, customer_number: str, coc_number: str, actor) -> ContactLink:
    """Seed 001: join an organisation by customer number + KvK number.

    Both must match one relation; otherwise one neutral message. No admin yet: the requester
    becomes its admin. Otherwise a request goes to every admin (e-mail + portal notice).
    Every attempt, right or wrong, counts against the per-user limit.
    """
    _throttle_membership_requests(contact)
    relation = Relation.objects.filter(
        customer_number__iexact=customer_number.strip(), coc_number=coc_number.strip(), is_active=True
    ).first()
    if relation is None:
        raise ValidationError(_("We could not find an organisation with this combination."), code="no_match")
    existing = ContactLink.objects.filter(contact=contact, relation=relation).first()
    if existing is not None:
        if existing.status == ContactLink.PortalStatus.APPROVED:
            raise ValidationError(_("You are already a member of %(name)s.") % {"name": relation.name})
        if existing.status == ContactLink.PortalStatus.REQUESTED:
            raise ValidationError(_("Your request for %(name)s is still waiting.") % {"name": relation.name})
    with transaction.atomic():
        has_admin = relation.contact_links.filter(is_admin=True, status=ContactLink.PortalStatus.APPROVED).exists()
        status = ContactLink.PortalStatus.REQUESTED if has_admin else ContactLink.PortalStatus.APPROVED
        if existing is not None:  # a rejected request may be made again
            link = update_link(
                link=existing,
                actor=actor,
                data={
                    "status": status,
                    "is_admin": not has_admin,
                    "support_access": ContactLink.SupportAccess.NONE if has_admin else ContactLink.SupportAccess.ALL,
                },
            )
        else:
            link = link_contact(
                contact=contact,
                relation=relation,
                actor=actor,
                status=status,
                is_admin=not has_admin,
                support_access=ContactLink.SupportAccess.NONE if has_admin else ContactLink.SupportAccess.ALL,
            )
        if has_admin:
            transaction.on_commit(lambda: _mail_admins_about_request(link.pk))
    return link


def _mail_admins_about_request(link_pk: int) -> None:
    link = ContactLink.objects.select_related("contact", "relation").get(pk=link_pk)
    admins = Contact.objects.filter(
        links__relation=link.relation,
        links__is_admin=True,
        links__status=ContactLink.PortalStatus.APPROVED,
        status=Contact.Status.ACTIVE,
    ).exclude(pk=link.contact_id)
    for admin in admins:
        context = {"admin": admin, "link": link}
        send_templated_mail("portal/email/request", context, admin.email)


def decide_membership(
    *, link: ContactLink, approve: bool, support_access: str, decided_by: Contact, actor
) -> ContactLink:
    """An organisation admin approves (with a support access choice) or rejects a request."""
    if link.status != ContactLink.PortalStatus.REQUESTED:
        raise ValidationError(_("This request has already been decided."))
    if support_access not in ContactLink.SupportAccess.values:
        raise ValidationError(_("Choose the support access for this member."))
    with transaction.atomic():
        link.decided_by = decided_by
        link.decided_at = timezone.now()
        link.save(update_fields=["decided_by", "decided_at"])
        data: dict[str, str] = {
            "status": ContactLink.PortalStatus.APPROVED if approve else ContactLink.PortalStatus.REJECTED
        }
        if approve:
            data["support_access"] = support_access
        link = update_link(link=link, actor=actor, data=data)
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


def _mail_requester_about_decision(link_pk: int) -> None:
    link = ContactLink.objects.select_related("contact", "relation").get(pk=link_pk)
    context = {"link": link, "approved": link.status == ContactLink.PortalStatus.APPROVED}
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


def update_organisation_address(*, membership: ContactLink, data: dict, actor) -> Relation:
    """NAW from the portal: admins only; recorded in the staff History as the portal user."""
    if not membership.is_admin:
        raise ValidationError(_("Only administrators of this organisation can change its details."))
    relation = membership.relation
    relation._change_reason = "portal"
    return relation_update(
        relation=relation, actor=actor, data={name: data[name] for name in ADDRESS_FIELDS if name in data}
    )


def add_organisation_contact(*, membership: ContactLink, data: dict, actor) -> tuple[Contact, bool]:
    """An admin adds a contact; an existing contact with that e-mail is linked instead."""
    if not membership.is_admin:
        raise ValidationError(_("Only administrators of this organisation can add contacts."))
    relation = membership.relation
    existing = contact_with_email(data.get("email", ""))
    if existing is not None:
        if not existing.links.filter(relation=relation).exists():
            link_contact(contact=existing, relation=relation, actor=actor)
        return existing, False
    contact = create_contact(actor=actor, relation=relation, link={"status": ContactLink.PortalStatus.APPROVED}, **data)
    return contact, True


def _manages_own_details(contact: Contact) -> ValidationError:
    return ValidationError(
        _("%(name)s manages their own details; ask them to change these themselves.") % {"name": contact.full_name}
    )


def update_organisation_contact(*, membership: ContactLink, contact: Contact, data: dict, actor) -> Contact:
    """Name, e-mail address and phone of a contact the member may edit them of (the rule:
    portal.access.org_contacts_for_portal_user)."""
    if not org_contacts_for_portal_user(membership, to_edit_details=True).filter(pk=contact.pk).exists():
        raise _manages_own_details(contact)
    allowed = {name: data[name] for name in ["first_name", "last_name", "email", "phone"] if name in data}
    return update_contact(contact=contact, actor=actor, data=allowed)


def set_notification_preference(
    *, membership: ContactLink, contact: Contact, scope: str, trigger: str, actor
) -> Contact:
    """The preference of a contact the member may open (portal.access.org_contacts_for_portal_user);
    scope 'all' only for a contact who may see all tasks of this organisation."""
    if scope not in Contact.NotifyScope.values or trigger not in Contact.NotifyTrigger.values:
        raise ValidationError(_("Choose a valid notification preference."))
    if not org_contacts_for_portal_user(membership).filter(pk=contact.pk).exists():
        raise _manages_own_details(contact)
    if scope == Contact.NotifyScope.ALL:
        link = contact.links.filter(relation=membership.relation).first()
        if link is None or link.support_access != ContactLink.SupportAccess.ALL:
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
