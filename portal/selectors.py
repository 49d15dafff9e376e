from __future__ import annotations

from django.db.models import QuerySet

from contacts.models import Contact, ContactLink


def memberships(contact: Contact) -> QuerySet[ContactLink]:
    """Approved memberships: the organisation switcher's entries."""
    return (
        ContactLink.objects.filter(contact=contact, status=ContactLink.PortalStatus.APPROVED, relation__is_active=True)
        .select_related("relation")
        .order_by("relation__name")
    )


def pending_requests_of(contact: Contact) -> QuerySet[ContactLink]:
    return ContactLink.objects.filter(contact=contact, status=ContactLink.PortalStatus.REQUESTED).select_related(
        "relation"
    )


def organisation_members(relation) -> QuerySet[ContactLink]:
    return relation.contact_links.select_related("contact").order_by(
        "status", "contact__last_name", "contact__first_name"
    )
