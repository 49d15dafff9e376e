"""What staff pages show of Client Online: desired vs acknowledged, per relation or contact."""

from __future__ import annotations

from dataclasses import dataclass, field

from contacts.models import Contact, ContactLink
from portal_sync.desired import external_id
from portal_sync.models import RemoteClient, RemoteMembership, RemoteUser, SyncFailure, SyncRun
from relations.models import Relation
from tenants.models import SyncOutbox, current_contractant

RUNS_SHOWN = 10
FAILURES_SHOWN = 50


@dataclass
class SyncStatus:
    """What the Sync status page shows, read from what the worker stored (a few indexed rows,
    whatever the size of the contractant); the plan itself is computed only by the worker.

    `latest`: the newest run with a plan, whose counts and waiting operations are shown.
    `changes_since`: changes were saved that no run has taken up yet (their outbox rows
    are still there), so `latest` may be behind; a sync is queued for them.
    """

    running: SyncRun | None
    latest: SyncRun | None
    interrupted: SyncRun | None
    has_failures: bool
    changes_since: bool
    runs: list[SyncRun] = field(default_factory=list)
    failures: list[SyncFailure] = field(default_factory=list)

    @property
    def pending_count(self) -> int:
        return self.latest.waiting_count if self.latest is not None and self.running is None else 0

    @property
    def counts(self) -> dict:
        return self.latest.counts if self.latest is not None else {}


def sync_status(*, with_lists: bool = True) -> SyncStatus:
    """The Sync status page (with_lists) or its progress fragment, polled every 2 s while a
    sync runs (without: a constant handful of one-row reads)."""
    recent = SyncRun.objects.defer("waiting")
    running = recent.filter(status=SyncRun.Status.RUNNING).first()
    stale = running if running is not None and running.is_stale else None
    if stale is not None:
        running = None  # its worker is gone: shown as interrupted (the next run records it so)
    latest = SyncRun.objects.filter(planned_at__isnull=False).first()
    newest = recent.first()
    interrupted = stale or (newest if newest is not None and newest.status == SyncRun.Status.INTERRUPTED else None)
    status = SyncStatus(
        running=running,
        latest=latest,
        interrupted=interrupted,
        has_failures=SyncFailure.objects.filter(resolved_at__isnull=True).exists(),
        changes_since=SyncOutbox.objects.filter(contractant=current_contractant()).exists(),
    )
    if with_lists:
        status.runs = list(recent[:RUNS_SHOWN])
        status.failures = list(SyncFailure.objects.filter(resolved_at__isnull=True)[:FAILURES_SHOWN])
    return status


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
