"""The relinks block on a relation's History tab (relations.panels)."""

from __future__ import annotations

from staff.panels import Panel
from subscriptions.selectors import relink_records


def relinks_panel(relation) -> Panel | None:
    records = list(relink_records(relation))
    return Panel("subscriptions/_relinks_panel.html", records) if records else None
