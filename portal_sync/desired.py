"""Desired Client Online state computed from local data (DESIGN.md, Client Online sync).

- a client for every relation with sync_client_online;
- a user per *person*: an active contact with at least one synced link to a synced
  relation, or the person of a synced person-relation (who needs no contact link);
- a membership for each such link, and the person of a person-relation is a member of it.
So one login sees its own private client and its companies, never another person's.
"""

from __future__ import annotations

from django.db import connection

from contacts.models import Contact, ContactLink
from portal_sync.state import State, attrs
from relations.models import Relation


def external_id(obj) -> str:
    """Stable id in Client Online: the contractant's schema and the object's public code, so
    one Client Online can serve many contractants and a reconciliation knows what is ours."""
    return f"{connection.schema_name}.{obj.code}"


def desired_state() -> State:
    relations = list(Relation.objects.filter(sync_client_online=True, is_active=True).select_related("person"))
    clients = {
        external_id(relation): attrs(name=relation.name, kind=relation.kind, customer_number=relation.customer_number)
        for relation in relations
    }
    users: dict[str, tuple] = {}
    memberships: set[tuple[str, str]] = set()

    def add_user(contact: Contact) -> str:
        key = external_id(contact)
        users[key] = attrs(email=contact.username, name=contact.full_name)
        return key

    for relation in relations:
        person = relation.person
        if person is not None and person.status == Contact.Status.ACTIVE:
            memberships.add((add_user(person), external_id(relation)))
    links = ContactLink.objects.filter(
        sync_client_online=True,
        relation__sync_client_online=True,
        relation__is_active=True,
        contact__status=Contact.Status.ACTIVE,
    ).select_related("contact", "relation")
    for link in links:
        memberships.add((add_user(link.contact), external_id(link.relation)))
    return State(clients=clients, users=users, memberships=frozenset(memberships))
