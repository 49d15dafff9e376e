"""What staff pages show of Client Online: desired vs acknowledged, per relation or contact."""

from __future__ import annotations

from dataclasses import dataclass

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
    """Presence, memberships and open failures of one external id (three indexed reads)."""
    member_field = "client_id" if memberships_of == "user_id" else "user_id"
    present = present_in.objects.filter(external_id=key).exists()
    memberships = list(
        RemoteMembership.objects.filter(**{memberships_of: key})
        .order_by(member_field)
        .values_list(member_field, flat=True)
    )
    failures = SyncFailure.objects.filter(resolved_at__isnull=True, key__contains=[key]).count()
    return present, memberships, failures


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
