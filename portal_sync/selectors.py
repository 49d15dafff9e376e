"""What staff pages show of Client Online: desired vs acknowledged, per relation or contact."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, F, Func, Subquery

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


def _remote_facts(model, pk: int, key: str, *, memberships_of: str, present_in) -> dict:
    """Presence, memberships and open failures of one external id, in one statement (the
    object's own row carries the three subqueries; pages show this on every visit)."""
    open_failures = SyncFailure.objects.filter(resolved_at__isnull=True, key__contains=[key])
    member_field = "client_id" if memberships_of == "user_id" else "user_id"
    return (
        model.objects.filter(pk=pk)
        .annotate(
            remote_present=Exists(present_in.objects.filter(external_id=key)),
            remote_memberships=ArraySubquery(
                RemoteMembership.objects.filter(**{memberships_of: key}).order_by(member_field).values(member_field)
            ),
            remote_failures=Subquery(
                open_failures.order_by().annotate(count=Func(F("pk"), function="COUNT")).values("count")
            ),
        )
        .values("remote_present", "remote_memberships", "remote_failures")
        .get()
    )


def relation_remote_view(relation) -> RemoteView:
    facts = _remote_facts(
        Relation, relation.pk, external_id(relation), memberships_of="client_id", present_in=RemoteClient
    )
    return RemoteView(
        wanted=relation.sync_client_online and relation.is_active,
        present=facts["remote_present"],
        memberships=facts["remote_memberships"],
        failures=facts["remote_failures"],
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
    facts = _remote_facts(Contact, contact.pk, external_id(contact), memberships_of="user_id", present_in=RemoteUser)
    return RemoteView(
        wanted=contact_wanted(contact),
        present=facts["remote_present"],
        memberships=facts["remote_memberships"],
        failures=facts["remote_failures"],
    )
