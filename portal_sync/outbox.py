"""Record that this contractant's Client Online state may have changed."""

from __future__ import annotations

from django.conf import settings
from django.db import connection, transaction

from config.celery import queue_for_contractant
from tenants.models import SyncOutbox, current_contractant


def record_change() -> None:
    """Call inside the transaction of any change that can affect the remote state: the outbox
    row commits (or rolls back) with it. After commit a sync is queued at once; the periodic
    relay picks up anything whose queueing was lost (e.g. Redis down at that moment).

    One row and one queued sync per transaction, however many changes it makes: a sync reads
    the whole desired state anyway."""
    if connection.schema_name == "public":
        return
    schema_name = connection.schema_name
    if connection.in_atomic_block and any(
        getattr(callback, "sync_outbox_schema", None) == schema_name for _, callback, _ in connection.run_on_commit
    ):
        return  # this transaction already has its row (a rolled-back savepoint takes both away)
    SyncOutbox.objects.create(contractant=current_contractant())

    def queue() -> None:
        if not settings.CLIENT_ONLINE_SYNC_ON_COMMIT:
            return
        from portal_sync.tasks import sync_contractant_task

        queue_for_contractant(sync_contractant_task, schema_name, countdown=1)

    queue.sync_outbox_schema = schema_name
    transaction.on_commit(queue, robust=True)
