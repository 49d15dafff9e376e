"""Celery tasks of the sync: one run at a time per contractant, schema explicit."""

from __future__ import annotations

import contextlib

import redis

from config.celery import app, queue_for_contractant, queue_for_every_active_contractant, require_schema
from portal_sync.lock import sync_lock as _lock


@app.task(name="portal_sync.sync_contractant", bind=True, max_retries=8)
def sync_contractant_task(self, schema_name: str) -> str:
    require_schema(schema_name)
    from portal_sync.models import SyncRun
    from portal_sync.services import run_sync

    lock = _lock(schema_name)
    if not lock.acquire():
        # Another run holds the contractant (or a dead worker's lock has not expired yet):
        # come back shortly rather than drop the change.
        raise self.retry(countdown=3, max_retries=200)
    try:
        run = run_sync(heartbeat=lock.reacquire)
    finally:
        with contextlib.suppress(redis.exceptions.LockError):
            lock.release()
    if run.status == SyncRun.Status.INTERRUPTED:
        # Backoff with jitter between runs as well; stays below the broker's visibility timeout.
        raise self.retry(countdown=min(600, 5 * 2**self.request.retries))
    return run.status


@app.task(name="portal_sync.relay_outbox")
def relay_outbox_task() -> int:
    """Public schema: queue a sync for every contractant with pending outbox rows."""
    from tenants.models import SyncOutbox

    schemas = set(SyncOutbox.objects.values_list("contractant__schema_name", flat=True).distinct())
    for schema_name in schemas:
        queue_for_contractant(sync_contractant_task, schema_name)
    return len(schemas)


@app.task(name="portal_sync.reconcile_contractant")
def reconcile_contractant_task(schema_name: str) -> str:
    require_schema(schema_name)
    from portal_sync.services import reconcile

    lock = _lock(schema_name)
    if not lock.acquire():
        return "busy"
    try:
        return reconcile(heartbeat=lock.reacquire).status
    finally:
        with contextlib.suppress(redis.exceptions.LockError):
            lock.release()


@app.task(name="portal_sync.reconcile_all")
def reconcile_all_task() -> int:
    return queue_for_every_active_contractant(reconcile_contractant_task)
