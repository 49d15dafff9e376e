"""Bring Client Online to the desired state: plan, push in order, record what was acknowledged."""

from __future__ import annotations

import random
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import TYPE_CHECKING, cast

from django.db import connection, transaction
from django.utils import timezone

from portal_sync.client import ClientOnlineClient, PermanentError, TransientError
from portal_sync.desired import desired_state
from portal_sync.lock import sync_lock_held
from portal_sync.models import (
    MEMBERLESS_SHOWN,
    WAITING_SHOWN,
    RemoteClient,
    RemoteMembership,
    RemoteUser,
    SyncFailure,
    SyncRun,
)
from portal_sync.planner import ORDER, Operation, plan
from portal_sync.state import State, attrs
from tenants.models import SyncOutbox, current_contractant

if TYPE_CHECKING:
    from config.postgresql.base import DatabaseWrapper as TenantDatabaseWrapper

PARALLEL_REQUESTS = 8
CHUNK = 200
MAX_ATTEMPTS = 6
# "Already done" answers, known by status *and* reason: a 404 from a wrong URL or a proxy, or a
# 409 for a duplicate e-mail address, is a failure, never taken for done.
ALREADY_EXISTS, NOT_FOUND = "already_exists", "not_found"
ALREADY_DONE = {
    (409, ALREADY_EXISTS, "add_membership"),
    (404, NOT_FOUND, "remove_membership"),
    (404, NOT_FOUND, "delete_user"),
    (404, NOT_FOUND, "delete_client"),
}
BASE_DELAY = 0.2
MAX_DELAY = 5.0


def remote_state() -> State:
    """What Client Online has acknowledged for this contractant."""
    return State(
        clients={key: attrs(**data) for key, data in RemoteClient.objects.values_list("external_id", "data")},
        users={key: attrs(**data) for key, data in RemoteUser.objects.values_list("external_id", "data")},
        memberships=frozenset(RemoteMembership.objects.values_list("user_id", "client_id")),
    )


def remote_counts() -> dict[str, int]:
    """How many clients, users and memberships Client Online has acknowledged (three counts)."""
    return {
        "clients": RemoteClient.objects.count(),
        "users": RemoteUser.objects.count(),
        "memberships": RemoteMembership.objects.count(),
    }


def _waiting(operations: list[Operation]) -> list:
    return [[operation.kind, list(operation.key)] for operation in operations[:WAITING_SHOWN]]


def interrupt_dead_runs() -> int:
    """Record as interrupted the runs left "running" by a worker that is gone (killed, machine
    gone: SyncRun.worker_gone). The Sync status page calls it before it reads, so what it
    shows is what is stored; with no run running it costs one indexed read."""
    running = list(SyncRun.objects.filter(status=SyncRun.Status.RUNNING).only("status", "started_at", "heartbeat_at"))
    if not running:
        return 0
    lock_held = sync_lock_held(cast("TenantDatabaseWrapper", connection).schema_name)
    dead = [run.pk for run in running if run.worker_gone(lock_held=lock_held)]
    if not dead:
        return 0
    return SyncRun.objects.filter(pk__in=dead, status=SyncRun.Status.RUNNING).update(
        status=SyncRun.Status.INTERRUPTED, finished_at=timezone.now()
    )


def _interrupt_earlier_runs() -> None:
    """A new run holds the contractant's lock, so no earlier run still runs: any left
    "running" lost its worker."""
    SyncRun.objects.filter(status=SyncRun.Status.RUNNING).update(
        status=SyncRun.Status.INTERRUPTED, finished_at=timezone.now()
    )


def _acknowledge(operations: list[Operation]) -> None:
    """Record operations Client Online accepted, in bulk (the new acknowledged remote state).

    Acknowledging late is safe: if a run dies before this, the next run repeats those
    operations and Client Online's "already done" answers count as done (see _push)."""
    by_kind: dict[str, list[Operation]] = {}
    for operation in operations:
        by_kind.setdefault(operation.kind, []).append(operation)
    for kind, items in by_kind.items():
        if kind in {"create_client", "update_client", "create_user", "update_user"}:
            model = RemoteClient if kind.endswith("client") else RemoteUser
            model.objects.bulk_create(
                # Two models of one shape, picked at run time: mypy checks the union member by member.
                [model(external_id=op.key[0], data=dict(op.data)) for op in items],  # type: ignore[misc]
                update_conflicts=True,
                unique_fields=["external_id"],
                update_fields=["data"],
            )
        elif kind in {"delete_client", "delete_user"}:
            model = RemoteClient if kind.endswith("client") else RemoteUser
            model.objects.filter(external_id__in=[op.key[0] for op in items]).delete()
        elif kind == "add_membership":
            RemoteMembership.objects.bulk_create(
                [RemoteMembership(user_id=op.key[0], client_id=op.key[1]) for op in items], ignore_conflicts=True
            )
        elif kind == "remove_membership":
            for op in items:
                RemoteMembership.objects.filter(user_id=op.key[0], client_id=op.key[1]).delete()


def _push(client: ClientOnlineClient, operation: Operation, run_id: int) -> None:
    """Push one operation. "Already done" answers count as done: after an interrupted run the
    remote may be ahead of what we acknowledged, and converging must not stall on that."""
    try:
        client.push(operation, operation.idempotency_key(run_id))
    except PermanentError as exc:
        if (exc.status, exc.code) == (409, ALREADY_EXISTS) and operation.kind in {"create_client", "create_user"}:
            update = Operation(operation.kind.replace("create", "update"), operation.key, operation.data)
            client.push(update, update.idempotency_key(run_id))
        elif (exc.status, exc.code, operation.kind) not in ALREADY_DONE:
            raise


def _push_with_retries(client: ClientOnlineClient, operation: Operation, run_id: int, sleep=time.sleep) -> None:
    """Exponential backoff with full jitter on transient errors; the idempotency key makes a
    retry of a request that did reach Client Online harmless."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            _push(client, operation, run_id)
            return
        except TransientError:
            if attempt == MAX_ATTEMPTS - 1:
                raise
            sleep(random.uniform(0, min(MAX_DELAY, BASE_DELAY * 2**attempt)))  # noqa: S311 - jitter


def begin_run() -> tuple[SyncRun, list[Operation]]:
    """Plan a run and record it with what the Sync status page shows (counts, the first
    waiting operations): the one place the whole plan is computed, by the worker, once a run.

    A run that finds nothing to do right after one that found nothing either is not stored
    anew: the earlier one is brought up to date, so the page says "nothing to do since" its
    start instead of listing empty rounds."""
    _interrupt_earlier_runs()
    remote, desired = remote_state(), desired_state()
    operations = plan(remote, desired)
    memberless = _memberless(desired)
    now = timezone.now()
    fields = {
        "planned": len(operations),
        "planned_at": now,
        "heartbeat_at": now,
        "counts": {
            "desired": desired.summary(),
            "remote": remote.summary(),
            "memberless": {"clients": len(memberless)},
        },
        "waiting": _waiting(operations),
        "memberless": memberless[:MEMBERLESS_SHOWN],
    }
    newest = SyncRun.objects.first()
    if not operations and newest is not None and newest.is_empty and newest.planned_at is not None:
        for name, value in fields.items():
            setattr(newest, name, value)
        newest.save(update_fields=list(fields))
        return newest, operations
    return SyncRun.objects.create(**fields), operations


def _memberless(desired: State) -> list[str]:
    """The codes of the relations whose client is wanted with no member: Client Online shows
    them to nobody."""
    with_members = {client for _user, client in desired.memberships}
    return sorted(key.split(".", 1)[1] for key in desired.clients if key not in with_members)


def run_sync(*, client: ClientOnlineClient | None = None, sleep=time.sleep, heartbeat=None) -> SyncRun:
    """One run for the current contractant. A refused (4xx) operation, or one answered in a way
    the client does not expect, is recorded and the operations that do not depend on it go on;
    a transient failure that outlasts the retries ends the run (the next run resumes from what
    was acknowledged). Only expected answers are acknowledged."""
    started_outbox = SyncOutbox.objects.filter(contractant=current_contractant()).order_by("-id").first()
    open_failures = {
        (failure.kind, tuple(failure.key)) for failure in SyncFailure.objects.filter(resolved_at__isnull=True)
    }
    run, operations = begin_run()
    done_operations: set[tuple[str, tuple]] = set()
    own_client = client is None
    client = client or ClientOnlineClient()
    failed: set[tuple[str, tuple]] = set(open_failures)
    try:
        # Operations of one kind are independent of each other: push them concurrently, kind
        # after kind in the planner's safe order, and acknowledge each kind in bulk.
        with ThreadPoolExecutor(max_workers=PARALLEL_REQUESTS) as pool:
            for kind in ORDER:
                group = [op for op in operations if op.kind == kind]
                ready = []
                for operation in group:
                    if (operation.kind, operation.key) in open_failures or operation.waits_for(failed):
                        run.skipped += 1
                        failed.add((operation.kind, operation.key))
                    else:
                        ready.append(operation)
                # In chunks, so the Sync status page shows progress during a large first sync.
                for start in range(0, len(ready), CHUNK):
                    chunk = ready[start : start + CHUNK]
                    futures = {pool.submit(_push_with_retries, client, op, run.pk, sleep): op for op in chunk}
                    accepted, transient = [], None
                    for future in as_completed(futures):
                        operation = futures[future]
                        try:
                            future.result()
                        except PermanentError as exc:
                            SyncFailure.objects.create(
                                kind=operation.kind, key=list(operation.key), error=str(exc), status_code=exc.status
                            )
                            failed.add((operation.kind, operation.key))
                            run.failed += 1
                        except TransientError as exc:
                            transient = exc
                        else:
                            accepted.append(operation)
                    with transaction.atomic():
                        _acknowledge(accepted)
                    run.done += len(accepted)
                    done_operations.update((operation.kind, operation.key) for operation in accepted)
                    run.heartbeat_at = timezone.now()
                    run.save(update_fields=["done", "failed", "skipped", "heartbeat_at"])
                    if heartbeat is not None:
                        heartbeat()
                    if transient is not None:
                        raise transient
    except TransientError as exc:
        run.status = SyncRun.Status.INTERRUPTED
        run.error = str(exc)
    except Exception as exc:
        # A bug or an answer nothing above expected: the run must not stay "running" on the
        # Sync status page. The outbox row stays, so the relay queues the work again.
        run.status = SyncRun.Status.INTERRUPTED
        run.error = f"Unexpected error: {type(exc).__name__}: {exc}"
        raise
    else:
        run.status = SyncRun.Status.PARTIAL if (run.failed or run.skipped) else SyncRun.Status.DONE
        if started_outbox is not None:
            SyncOutbox.objects.filter(contractant_id=started_outbox.contractant_id, id__lte=started_outbox.id).delete()
    finally:
        if own_client:
            client.close()
        run.finished_at = timezone.now()
        run.counts = {**run.counts, "remote": remote_counts()}
        run.waiting = _waiting([op for op in operations if (op.kind, op.key) not in done_operations])
        run.save()
    return run


def reconcile(*, client: ClientOnlineClient | None = None, heartbeat=None) -> SyncRun:
    """Nightly: replace the acknowledged state by what Client Online really holds for this
    contractant (its ids carry our schema name), then run a sync to repair any drift."""
    own_client = client is None
    client = client or ClientOnlineClient()
    try:
        try:
            snapshot = client.fetch_state()
        except (TransientError, PermanentError) as exc:
            # Keep what was acknowledged rather than replace it by an answer we cannot read; the
            # Sync status page shows the run, and the next reconciliation tries again.
            return SyncRun.objects.create(
                status=SyncRun.Status.INTERRUPTED,
                error=f"Reconciliation: {exc}",
                finished_at=timezone.now(),
            )
        prefix = f"{cast('TenantDatabaseWrapper', connection).schema_name}."
        with transaction.atomic():
            RemoteClient.objects.all().delete()
            RemoteUser.objects.all().delete()
            RemoteMembership.objects.all().delete()
            RemoteClient.objects.bulk_create(
                RemoteClient(external_id=key, data=data)
                for key, data in snapshot["clients"].items()
                if key.startswith(prefix)
            )
            RemoteUser.objects.bulk_create(
                RemoteUser(external_id=key, data=data)
                for key, data in snapshot["users"].items()
                if key.startswith(prefix)
            )
            RemoteMembership.objects.bulk_create(
                RemoteMembership(user_id=user, client_id=client_id)
                for user, client_id in snapshot["memberships"]
                if user.startswith(prefix) and client_id.startswith(prefix)
            )
        return run_sync(client=client, heartbeat=heartbeat)
    finally:
        if own_client:
            client.close()


def retry_failure(*, failure: SyncFailure) -> None:
    failure.resolved_at = timezone.now()
    failure.save(update_fields=["resolved_at"])
