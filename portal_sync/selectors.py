"""What staff pages show of Client Online: desired vs acknowledged, per relation or contact."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import connection

from contacts.models import Contact, ContactLink
from portal_sync.desired import external_id
from portal_sync.models import RemoteClient, RemoteMembership, RemoteUser, SyncFailure
from relations.models import Relation


@dataclass(frozen=True)
class RemoteView:
    wanted: bool
    present: bool
    memberships: list[str]
    failures: int

    @property
    def in_sync(self) -> bool:
        return self.wanted == self.present and not self.failures


def _remote_facts(key: str, *, memberships_of: str, present_in) -> tuple[bool, list[str], int]:
    """Presence, memberships and open failures of one external id, in one plain statement:
    staff pages show this on every visit, and the ORM took longer to compose its three
    subqueries than the database took to run them (bench/load.py)."""
    member_field = "client_id" if memberships_of == "user_id" else "user_id"
    sql = (
        f'SELECT EXISTS (SELECT 1 FROM "{present_in._meta.db_table}" WHERE external_id = %s),'
        f' ARRAY (SELECT {member_field} FROM "{RemoteMembership._meta.db_table}"'
        f" WHERE {memberships_of} = %s ORDER BY {member_field}),"
        f' (SELECT COUNT(*) FROM "{SyncFailure._meta.db_table}" WHERE resolved_at IS NULL AND key @> %s::jsonb)'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, key, json.dumps([key])])
        return cursor.fetchone()


def relation_remote_view(relation) -> RemoteView:
    present, memberships, failures = _remote_facts(
        external_id(relation), memberships_of="client_id", present_in=RemoteClient
    )
    return RemoteView(
        wanted=relation.sync_client_online and relation.is_active,
        present=present,
        memberships=memberships,
        failures=failures,
    )


def contact_wanted(contact) -> bool:
    """Whether desired_state() holds a user for this contact, asked of this contact alone
    (computing the whole desired state on every contact page would not scale)."""
    if contact.status != Contact.Status.ACTIVE:
        return False
    return (
        Relation.objects.filter(person=contact, sync_client_online=True, is_active=True).exists()
        or ContactLink.objects.filter(
            contact=contact, sync_client_online=True, relation__sync_client_online=True, relation__is_active=True
        ).exists()
    )


def contact_remote_view(contact) -> RemoteView:
    present, memberships, failures = _remote_facts(
        external_id(contact), memberships_of="user_id", present_in=RemoteUser
    )
    return RemoteView(
        wanted=contact_wanted(contact),
        present=present,
        memberships=memberships,
        failures=failures,
    )
