"""Desired Client Online state computed from local data (DESIGN.md, Client Online sync).

- a client for every relation with sync_client_online;
- a user per *person*: an active contact with at least one synced link to a synced
  relation, or the person of a synced person-relation (who needs no contact link);
- a membership for each such link, and the person of a person-relation is a member of it.
So one login sees its own private client and its companies, never another person's.

Reads plain values, not model instances: a contractant with 15,000 records is computed in a
fraction of a second, which keeps a saved change's way to Client Online short.
"""

from __future__ import annotations

from django.db import connection

from contacts.models import Contact, ContactLink
from portal_sync.state import State, attrs
from relations.models import Relation


def external_id(obj) -> str:
    """Stable id in Client Online: the contractant's schema and the object's public code, so
    one Client Online can serve many contractants and a reconciliation knows what is ours."""
    return _external(obj.code)


def external_id_of_code(code) -> str:
    """external_id() of the object with this public code."""
    return f"{connection.schema_name}.{code}"


_external = external_id_of_code


def _user_attrs(username: str, first_name: str, infix: str, last_name: str):
    # "Jan de Vries": the tussenvoegsel has its own column on contacts (issue 18).
    return attrs(email=username, name=" ".join(part for part in [first_name, infix, last_name] if part))


def desired_state() -> State:
    clients, users, memberships = {}, {}, set()
    relations = Relation.objects.filter(sync_client_online=True, is_active=True).values_list(
        "code",
        "name",
        "kind",
        "customer_number",
        "person__code",
        "person__username",
        "person__first_name",
        "person__infix",
        "person__last_name",
        "person__status",
    )
    for code, name, kind, number, p_code, p_username, p_first, p_infix, p_last, p_status in relations:
        client = _external(code)
        clients[client] = attrs(name=name, kind=kind, customer_number=number)
        if p_code is not None and p_status == Contact.Status.ACTIVE:
            user = _external(p_code)
            users[user] = _user_attrs(p_username, p_first, p_infix, p_last)
            memberships.add((user, client))
    links = ContactLink.objects.filter(
        sync_client_online=True,
        relation__sync_client_online=True,
        relation__is_active=True,
        contact__status=Contact.Status.ACTIVE,
    ).values_list(
        "contact__code",
        "contact__username",
        "contact__first_name",
        "contact__infix",
        "contact__last_name",
        "relation__code",
    )
    for c_code, username, first, infix, last, r_code in links:
        user = _external(c_code)
        users[user] = _user_attrs(username, first, infix, last)
        memberships.add((user, _external(r_code)))
    return State(clients=clients, users=users, memberships=frozenset(memberships))
