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


def relation_remote_view(relation) -> RemoteView:
    key = external_id(relation)
    members = list(RemoteMembership.objects.filter(client_id=key).values_list("user_id", flat=True))
    return RemoteView(
        wanted=relation.sync_client_online and relation.is_active,
        present=RemoteClient.objects.filter(external_id=key).exists(),
        memberships=members,
        failures=SyncFailure.objects.filter(resolved_at__isnull=True, key__contains=[key]).count(),
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
    key = external_id(contact)
    clients = list(RemoteMembership.objects.filter(user_id=key).values_list("client_id", flat=True))
    return RemoteView(
        wanted=contact_wanted(contact),
        present=RemoteUser.objects.filter(external_id=key).exists(),
        memberships=clients,
        failures=SyncFailure.objects.filter(resolved_at__isnull=True, key__contains=[key]).count(),
    )
