"""Reads of the outbox: what a relay still has to hand on."""

from __future__ import annotations

import datetime

from django.utils import timezone

from outbox.models import Event


def pending_event_ids(*, older_than: datetime.timedelta, limit: int = 500) -> list[int]:
    """Events committed a while ago that no listener has fanned out yet (a lost queue message)."""
    cutoff = timezone.now() - older_than
    return list(
        Event.objects.filter(dispatched_at=None, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
