"""The one way to record an event: in the caller's transaction, handed on after commit."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, cast

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from outbox.hooks import listeners
from outbox.models import Event

if TYPE_CHECKING:
    from config.postgresql.base import DatabaseWrapper as TenantDatabaseWrapper


def event_record(*, kind: str, payload: Mapping[str, object]) -> Event:
    """Record that `kind` happened, with a JSON `payload` of ids and plain fields.

    Call it inside the write's transaction: a rollback takes the event with it. The
    listeners hear of it after commit, from a robust on_commit (a broker that is down never
    undoes the write; the relay picks the event up later)."""
    if not kind or len(kind) > 60:
        raise ValueError(f"an event kind is 1 to 60 characters, got {kind!r}")
    # Fails here, in the caller's test, rather than in the worker.
    json.dumps(payload, cls=DjangoJSONEncoder)
    with transaction.atomic():
        event = Event.objects.create(kind=kind, payload=dict(payload))
    schema_name, event_id = cast("TenantDatabaseWrapper", connection).schema_name, event.pk
    for listener in listeners():
        transaction.on_commit(partial(listener, schema_name, event_id), robust=True)
    return event


def event_mark_dispatched(*, event_id: int) -> bool:
    """Mark an event fanned out; False when it already was (another run got there first)."""
    return bool(Event.objects.filter(pk=event_id, dispatched_at=None).update(dispatched_at=timezone.now()))
