"""Reads for the security log page."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from audit.models import SecurityEvent


def security_events(*, kind: str = "", query: str = "") -> QuerySet[SecurityEvent]:
    """Newest first; `kind` one of SecurityEvent.Kind, `query` matched on who, summary and object."""
    events = SecurityEvent.objects.all()
    if kind in SecurityEvent.Kind.values:
        events = events.filter(kind=kind)
    if query:
        events = events.filter(
            Q(actor_label__icontains=query) | Q(summary__icontains=query) | Q(object_label__icontains=query)
        )
    return events.order_by("-occurred_at", "-pk")
