"""History entries for staff pages, from django-simple-history records, as a person reads them.

A change shows the field's label (its verbose_name, translated), not its name, and each value as
the pages show it: a related object by its name, a date in the site's date format, yes/no, a
choice by its label, "—" for nothing. Names of related objects are read for the shown records
only, one query per related model.

A timeline page (the relation's History tab, relations.history) first pages through light keys
(`history_keys`: when, source, reference) in one index-backed query, then renders only the rows
of that page (`render_records`), each diffed against its own previous record (one query for
all of them), so a page costs the same with ten rows of history or a million.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import cast

from django.db import models
from django.db.models import F, Min, OuterRef, Q, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from staff.ui import staff_name

HISTORY_TYPES = {"+": _("created"), "~": _("changed"), "-": _("removed")}
EMPTY = "—"

# A change reason with a space is "<action> <id>": one action (a relink, a bulk move, a bulk job,
# a merge) that wrote many history rows (tasks.services.move_tasks, tasks.bulk). Its rows are
# one entry on a timeline.
BATCH = Q(history_change_reason__contains=" ")


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    what: str
    action: str
    changes: list[tuple[str, str, str]]
    # The object's page, or where the parts of a folded action are listed (a bulk job's page,
    # the relation's tasks tab).
    url: str = ""


def record_author(record) -> str:
    """Who made a history record, as the history tables show it."""
    return user_label(record.history_user)


def user_label(user) -> str:
    """A history row's author: a staff member, a portal user (said so), or the system."""
    if user is None:
        return str(_("system"))
    return author_label(email=user.email, username=user.username, is_staff=user.is_staff)


def author_label(*, email: str | None, username: str | None, is_staff: bool | None) -> str:
    """user_label from the user's columns (an aggregate's values); no user: the system."""
    if username is None:
        return str(_("system"))
    name = email or username
    if not is_staff:
        # Changes made in the customer portal are shown as such (issue: portal, NAW).
        return str(_("portal user %(name)s")) % {"name": name}
    return name


# --- Values as a person reads them ------------------------------------------------------


def _model_field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        found = model._meta.get_field(name.removesuffix("_id"))
    except Exception:  # noqa: BLE001 - a name the model no longer has: shown as it is
        return None
    return found if isinstance(found, models.Field) else None


def field_label(model: type[models.Model], name: str) -> str:
    found = _model_field(model, name)
    return str(capfirst(found.verbose_name)) if found is not None else name


def _related_name(obj) -> str:
    if obj is None:
        return ""
    if hasattr(obj, "get_username"):
        return staff_name(obj)
    # A relation reads as its name on our pages, without the customer number its __str__ adds.
    return str(getattr(obj, "name", "") or obj)


def related_names(model: type[models.Model], records, fields: list[str]) -> dict[str, dict]:
    """{field name: {pk: name}} for the foreign keys among `fields` that the records point at:
    one query per related model, for these records only. A removed object keeps no name."""
    names: dict[str, dict] = {}
    for name in fields:
        found = _model_field(model, name)
        if found is None or not found.is_relation or found.related_model is None:
            continue
        attname = found.attname
        ids = {getattr(record, attname) for record in records} - {None}
        related = cast(type[models.Model], found.related_model)
        names[name] = {obj.pk: _related_name(obj) for obj in related._default_manager.filter(pk__in=ids)} if ids else {}
    return names


def shown_value(model: type[models.Model], name: str, value, names: dict[str, dict] | None = None) -> str:
    """A stored value as the pages show it."""
    if value is None or value == "":
        return EMPTY
    found = _model_field(model, name)
    if found is not None and found.is_relation:
        return (names or {}).get(name, {}).get(value) or gettext("#%(id)s (removed)") % {"id": value}
    if found is not None and found.choices:
        value = dict(found.flatchoices).get(value, value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _value(record, name: str):
    found = _model_field(type(record), name)
    return getattr(record, found.attname if found is not None else name)


def _changes(record, previous, fields: list[str], show) -> list[tuple[str, str, str]]:
    if previous is None or record.history_type != "~":
        return []
    model = type(record)
    return [
        (field_label(model, name), show(name, _value(previous, name)), show(name, _value(record, name)))
        for name in fields
        if _value(previous, name) != _value(record, name)
    ]


def history_entries(records, label, fields: list[str], display=None) -> list[HistoryEntry]:
    """History entries with field changes computed against the previous record of the same
    object among `records` (no query per record; one per related model for their names)."""
    records = sorted(records, key=lambda record: (record.id, record.history_date, record.history_id))
    if not records:
        return []
    model = type(records[0])
    names = related_names(model, records, fields)
    show = display or (lambda name, value: shown_value(model, name, value, names))
    entries = []
    previous_by_id: dict = {}
    for record in records:
        entries.append(_entry(record, label, _changes(record, previous_by_id.get(record.id), fields, show)))
        previous_by_id[record.id] = record
    return entries


def _entry(record, label, changes) -> HistoryEntry:
    return HistoryEntry(
        when=record.history_date,
        who=record_author(record),
        what=label(record),
        action=str(HISTORY_TYPES.get(record.history_type, record.history_type)),
        changes=changes,
    )


# --- Timelines: keys first, then the shown rows ------------------------------------------


def history_keys(records: QuerySet, source: str, *, depth: int) -> QuerySet:
    """The newest `depth` key rows (when, source, ref) of history records that are not part of
    a batch action. `records` is a filtered history queryset; `ref` is the history_id as text.
    Each branch of a timeline is read newest first from its index and stops at `depth`: the
    UNION sorts at most `depth` rows per branch, however long the history."""
    return (
        records.exclude(BATCH)
        .annotate(when=F("history_date"), source=Value(source), ref=Cast("history_id", TextField()))
        .order_by("-history_date")
        .values_list("when", "source", "ref")[:depth]
    )


def batch_keys(records: QuerySet, source: str, *, depth: int) -> QuerySet:
    """One key row per batch action among `records` (when it started; ref: its change reason),
    the newest `depth` of them."""
    return (
        records.filter(BATCH)
        .values("history_change_reason")
        .annotate(when=Min("history_date"), source=Value(source), ref=F("history_change_reason"))
        .order_by("-when")
        .values_list("when", "source", "ref")[:depth]
    )


def render_records(
    history_model, refs: list[str], label, fields: list[str], related: tuple[str, ...] = (), url=None
) -> dict[str, HistoryEntry]:
    """{ref: entry} for the history records named by `refs` (history ids as text), each diffed
    against its own previous record: two queries, plus one per related model for names.
    `url(record)`, if given, links the entry (to the object's page)."""
    ids = [int(ref) for ref in refs]
    previous_id = Subquery(
        history_model.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    records = list(
        history_model.objects.filter(history_id__in=ids)
        .select_related("history_user", *related)
        .annotate(previous_id=previous_id)
    )
    # The record before each shown one, by its primary key (an OR of both in one query would
    # make PostgreSQL scan the whole history table).
    earlier = history_model.objects.in_bulk([r.previous_id for r in records if r.previous_id is not None])
    previous = {record.history_id: earlier.get(record.previous_id) for record in records}
    fetched = [*records, *earlier.values()]
    names = related_names(history_model, fetched, fields)

    def show(name, value):
        return shown_value(history_model, name, value, names)

    entries = {}
    for record in records:
        entry = _entry(record, label, _changes(record, previous[record.history_id], fields, show))
        entry.url = url(record) if url else ""
        entries[str(record.history_id)] = entry
    return entries


def group_by_source(rows) -> dict[str, list[str]]:
    """{source: [ref, ...]} of a page of key rows."""
    refs: dict[str, list[str]] = defaultdict(list)
    for _when, source, ref in rows:
        refs[source].append(ref)
    return refs
