"""What staff pages show of Client Online: desired vs acknowledged, per relation or contact."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from contacts.models import Contact, ContactLink
from portal_sync.desired import external_id, external_id_of_code
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
    `idle_since`: the newest run found nothing to do; since when (the empty runs after it
    are folded into it, and none is listed).
    `memberless`: synced relations with no synced member, as the latest run found them.
    """

    running: SyncRun | None
    latest: SyncRun | None
    interrupted: SyncRun | None
    has_failures: bool
    changes_since: bool
    idle_since: SyncRun | None = None
    runs: list[SyncRun] = field(default_factory=list)
    failures: list[SyncFailure] = field(default_factory=list)
    memberless: list[Relation] = field(default_factory=list)

    @property
    def pending(self) -> bool:
        """A run is running or queued: the progress section refreshes itself until it is done."""
        return self.running is not None or self.changes_since

    @property
    def pending_count(self) -> int:
        return self.latest.waiting_count if self.latest is not None and self.running is None else 0

    @property
    def counts(self) -> dict:
        return self.latest.counts if self.latest is not None else {}

    @property
    def memberless_count(self) -> int:
        return int(self.counts.get("memberless", {}).get("clients", 0))


def sync_status(*, with_lists: bool = True) -> SyncStatus:
    """The Sync status page (with_lists) or its progress fragment, polled every 2 s while a
    sync is pending (without: a constant handful of one-row reads). Runs whose worker is gone
    are stored as interrupted before this reads (portal_sync.services.interrupt_dead_runs)."""
    # A run starts only under the contractant's lock and records any run left running as
    # interrupted: a running run is the newest, and the newest is most often the latest plan.
    newest = SyncRun.objects.first()
    running = newest if newest is not None and newest.status == SyncRun.Status.RUNNING else None
    latest = newest if newest is not None and newest.planned_at is not None else None
    if latest is None:
        latest = SyncRun.objects.filter(planned_at__isnull=False).first()
    status = SyncStatus(
        running=running,
        latest=latest,
        interrupted=newest if newest is not None and newest.status == SyncRun.Status.INTERRUPTED else None,
        has_failures=SyncFailure.objects.filter(resolved_at__isnull=True).exists(),
        changes_since=SyncOutbox.objects.filter(contractant=current_contractant()).exists(),
        idle_since=newest if newest is not None and newest.is_empty else None,
    )
    if with_lists:
        recent = SyncRun.objects.defer("waiting", "memberless")
        status.runs = list(recent.exclude(status=SyncRun.Status.DONE, planned=0, error="")[:RUNS_SHOWN])
        status.failures = list(SyncFailure.objects.filter(resolved_at__isnull=True)[:FAILURES_SHOWN])
        if status.latest is not None and status.latest.memberless:
            codes = status.latest.memberless
            status.memberless = list(Relation.objects.filter(code__in=codes).order_by("name", "pk"))
    return status


@dataclass(frozen=True)
class RemoteView:
    """One record's Client Online state. `members`: the external ids it should be linked to
    (a client's users, a user's clients); `memberships`: those Client Online acknowledged."""

    wanted: bool
    present: bool
    memberships: list[str]
    failures: int
    members: frozenset[str] = frozenset()

    class State:
        # One state per record, one badge: the state model of the relation and contact cards.
        NOT_SYNCED = "not_synced"  # not wanted, not in Client Online
        SYNCED = "synced"  # wanted, and Client Online holds it as wanted
        PENDING = "pending"  # wanted or unwanted, and Client Online does not hold it so yet
        REFUSED = "refused"  # Client Online refused an operation of it

    @property
    def state(self) -> str:
        if self.failures:
            return self.State.REFUSED
        if not self.wanted:
            return self.State.PENDING if self.present or self.memberships else self.State.NOT_SYNCED
        if self.present and set(self.memberships) == set(self.members):
            return self.State.SYNCED
        return self.State.PENDING

    @property
    def pending(self) -> bool:
        return self.state == self.State.PENDING

    @property
    def in_sync(self) -> bool:
        return self.state in {self.State.SYNCED, self.State.NOT_SYNCED}

    @property
    def nobody_sees_it(self) -> bool:
        """A client wanted with no member: Client Online shows its data to nobody."""
        return self.wanted and not self.members


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


def relation_members(relation) -> frozenset[str]:
    """The users desired_state() makes members of this relation's client, asked of this
    relation alone: its person, and the contacts of its synced links (one read)."""
    if not (relation.sync_client_online and relation.is_active):
        return frozenset()
    person = Q(pk=relation.person_id) if relation.person_id is not None else Q(pk__in=[])
    codes = (
        Contact.objects.filter(
            Q(links__relation=relation, links__sync_client_online=True) | person, status=Contact.Status.ACTIVE
        )
        .values_list("code", flat=True)
        .distinct()
    )
    return frozenset(external_id_of_code(code) for code in codes)


def relation_remote_view(relation) -> RemoteView:
    present, memberships, failures = _remote_facts(
        external_id(relation), memberships_of="client_id", present_in=RemoteClient
    )
    return RemoteView(
        wanted=relation.sync_client_online and relation.is_active,
        present=present,
        memberships=memberships,
        failures=failures,
        members=relation_members(relation),
    )


def contact_clients(contact) -> frozenset[str]:
    """The clients desired_state() makes this contact a member of, asked of this contact
    alone (computing the whole desired state on every contact page would not scale)."""
    if contact.status != Contact.Status.ACTIVE:
        return frozenset()
    synced = {"sync_client_online": True, "is_active": True}
    codes = set(Relation.objects.filter(person=contact, **synced).values_list("code", flat=True))
    codes |= set(
        ContactLink.objects.filter(
            contact=contact, sync_client_online=True, relation__sync_client_online=True, relation__is_active=True
        ).values_list("relation__code", flat=True)
    )
    return frozenset(external_id_of_code(code) for code in codes)


def contact_wanted(contact) -> bool:
    """Whether desired_state() holds a user for this contact."""
    return bool(contact_clients(contact))


def contact_remote_view(contact) -> RemoteView:
    present, memberships, failures = _remote_facts(
        external_id(contact), memberships_of="user_id", present_in=RemoteUser
    )
    members = contact_clients(contact)
    return RemoteView(
        wanted=bool(members),
        present=present,
        memberships=memberships,
        failures=failures,
        members=members,
    )
