"""The History tab: every recorded change to a relation and what hangs off it, newest first."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from relations.models import Relation
from staff.history import HistoryEntry, history_entries

MAX_ENTRIES = 200

# What hangs off a relation (its subscriptions, its task links) lives in apps above this one;
# each adds its part of the tab through a source registered in its AppConfig.ready.
HistorySource = Callable[[Relation, int], list[HistoryEntry]]
_history_sources: list[HistorySource] = []


def register_history_source(source: HistorySource) -> HistorySource:
    """Add `source(relation, limit)` to the History tab (once, however often ready() runs)."""
    if source not in _history_sources:
        _history_sources.append(source)
    return source


def relation_history(relation: Relation) -> list[HistoryEntry]:
    entries = history_entries(
        Relation.history.filter(id=relation.pk).select_related("history_user").order_by("-history_date")[:MAX_ENTRIES],
        lambda r: str(_("Relation")),
        [
            "kind",
            "name",
            "customer_number",
            "coc_number",
            "street",
            "house_number",
            "postcode",
            "city",
            "country",
            "is_active",
        ],
    )
    for source in _history_sources:
        entries += source(relation, MAX_ENTRIES)
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:MAX_ENTRIES]
