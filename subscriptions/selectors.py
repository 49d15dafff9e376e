"""Reads that subscription and relink pages share."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from subscriptions.models import RelinkRecord


def relink_records(relation) -> QuerySet[RelinkRecord]:
    """The relinks from or to a relation, newest first, with what their table shows."""
    return (
        RelinkRecord.objects.filter(Q(from_relation=relation) | Q(to_relation=relation))
        .select_related("from_relation", "to_relation", "contractant", "actor", "undo_of", "undone_by")
        .order_by("-created_at", "-pk")
    )
