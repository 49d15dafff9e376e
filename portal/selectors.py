from __future__ import annotations

from django.db.models import QuerySet

from contacts.models import Contact, ContactLink


def memberships(contact: Contact) -> QuerySet[ContactLink]:
    """Approved memberships of active organisations, by name, each with its relation: the
    organisation switcher's entries (one statement)."""
    return (
        ContactLink.objects.filter(contact=contact, status=ContactLink.PortalStatus.APPROVED, relation__is_active=True)
        .select_related("relation")
        .order_by("relation__name", "pk")
    )


def contact_of(user) -> Contact | None:
    """The contact behind a login (Contact.user), or None. Django's reverse accessor reads it
    in one statement and lets both sides know each other (no second read either way)."""
    try:
        return user.contact
    except Contact.DoesNotExist:
        return None


def pending_requests_of(contact: Contact) -> QuerySet[ContactLink]:
    return ContactLink.objects.filter(contact=contact, status=ContactLink.PortalStatus.REQUESTED).select_related(
        "relation"
    )


def organisation_members(relation) -> QuerySet[ContactLink]:
    return relation.contact_links.select_related("contact").order_by(
        "status", "contact__last_name", "contact__first_name"
    )
