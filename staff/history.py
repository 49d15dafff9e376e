"""History entries for staff pages, from django-simple-history records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

HISTORY_TYPES = {"+": _("created"), "~": _("changed"), "-": _("removed")}


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    what: str
    action: str
    changes: list[tuple[str, str, str]]


def record_author(record) -> str:
    """Who made a history record, as the history tables show it."""
    user = record.history_user
    if user is None:
        return str(_("system"))
    name = user.email or user.username
    if not user.is_staff:
        # Changes made in the customer portal are shown as such (issue: portal, NAW).
        return str(_("portal user %(name)s")) % {"name": name}
    return name


def history_entries(records, label, fields: list[str], display=None) -> list[HistoryEntry]:
    """History entries with field changes computed against the previous record of the same
    object among `records` (no query per record)."""
    records = sorted(records, key=lambda record: (record.id, record.history_date, record.history_id))
    entries = []
    previous_by_id: dict = {}
    for record in records:
        previous = previous_by_id.get(record.id)
        changes = []
        if previous is not None and record.history_type == "~":
            for name in fields:
                old, new = getattr(previous, name), getattr(record, name)
                if old != new:
                    show = display or (lambda _name, value: "" if value is None else str(value))
                    changes.append((_field_label(record, name), show(name, old), show(name, new)))
        previous_by_id[record.id] = record
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record_author(record),
                what=label(record),
                action=str(HISTORY_TYPES.get(record.history_type, record.history_type)),
                changes=changes,
            )
        )
    return entries


def _field_label(record, name: str) -> str:
    try:
        return str(record._meta.get_field(name.removesuffix("_id")).verbose_name)
    except Exception:  # noqa: BLE001 - a label is cosmetic; fall back to the column name
        return name
