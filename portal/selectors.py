from __future__ import annotations

from django.db.models import QuerySet

from contacts.models import Contact, ContactLink
from relations.models import Relation
from tenants.rows import columns, fetch_instances, fetch_one


def memberships(contact: Contact) -> list[ContactLink]:
    """Approved memberships of active organisations, by name, each with its relation: the
    organisation switcher's entries. Read on every portal page, so one plain statement
    (tenants.rows)."""
    found = fetch_instances(
        f"SELECT {columns(ContactLink, 'link')}, {columns(Relation, 'relation')}"
        f' FROM "{ContactLink._meta.db_table}" link'
        f' JOIN "{Relation._meta.db_table}" relation ON relation.id = link.relation_id'
        " WHERE link.contact_id = %s AND link.status = %s AND relation.is_active"
        " ORDER BY relation.name, link.id",
        [contact.pk, ContactLink.PortalStatus.APPROVED],
        ContactLink,
        Relation,
    )
    for link, relation in found:
        ContactLink.relation.field.set_cached_value(link, relation)
    return [link for link, _relation in found]


def contact_of(user) -> Contact | None:
    """The contact behind a login (Contact.user), read on every portal page: one plain
    statement (tenants.rows)."""
    contact = fetch_one(Contact, "user", user.pk)
    if contact is None:
        return None
    # As the ORM's user.contact would: both sides know each other, no second read.
    Contact.user.field.set_cached_value(contact, user)
    Contact.user.field.remote_field.set_cached_value(user, contact)
    return contact


def pending_requests_of(contact: Contact) -> QuerySet[ContactLink]:
    return ContactLink.objects.filter(contact=contact, status=ContactLink.PortalStatus.REQUESTED).select_related(
        "relation"
    )


def organisation_members(relation) -> QuerySet[ContactLink]:
    return relation.contact_links.select_related("contact").order_by(
        "status", "contact__last_name", "contact__first_name"
    )
