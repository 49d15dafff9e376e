"""Record that this contractant's Client Online state may have changed."""

from __future__ import annotations

from django.conf import settings
from django.db import connection, transaction

from config.celery import queue_for_contractant
from tenants.models import SyncOutbox, current_contractant


def record_change() -> None:
    """Call inside the transaction of any change that can affect the remote state: the outbox
    row commits (or rolls back) with it. After commit a sync is queued at once; the periodic
    relay picks up anything whose queueing was lost (e.g. Redis down at that moment)."""
    if connection.schema_name == "public":
        return
    SyncOutbox.objects.create(contractant=current_contractant())
    if not settings.CLIENT_ONLINE_SYNC_ON_COMMIT:
        return
    schema_name = connection.schema_name

    def queue() -> None:
        from portal_sync.tasks import sync_contractant_task

        queue_for_contractant(sync_contractant_task, schema_name, countdown=1)

    transaction.on_commit(queue, robust=True)
