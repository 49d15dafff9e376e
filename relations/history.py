"""The History tab: a relation's activity timeline, newest first, one page at a time.

It joins the relation's own changes with those of its subscriptions and technical setup, its
task links and tasks, and its contacts and contact links. Each source gives key rows
(when, source, ref) as querysets; their UNION ALL is ordered by `when` and paged by the
database (staff.ui.capped_page), each branch read newest first by an index on
(object id, history_date), so a page reads its 50 keys and renders those only
(staff.history.render_records). A batch action (a relink, a bulk move, a bulk job) is one key
and one entry ("Tasks moved: 77 tasks"), however many rows it wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet, Subquery
from django.utils.translation import gettext as _

from contacts import names
from contacts.models import Contact, ContactLink
from relations.models import Relation
from staff.history import HistoryEntry, group_by_source, history_keys, render_records

Refs = dict[str, list[str]]
Rendered = dict[tuple[str, str], HistoryEntry]


@dataclass(frozen=True)
class TimelineSource:
    """A part of the History tab. `keys(relation, depth)` returns querysets of the newest
    `depth` (when, source, ref) rows of each of its sources, `render(relation, refs)` the
    entries of the refs of its own sources on one page."""

    keys: Callable[[Relation, int], list[QuerySet]]
    render: Callable[[Relation, Refs], Rendered]


# What hangs off a relation in apps above this one (subscriptions, tasks) adds its part of the
# tab through a source registered in its AppConfig.ready (STYLE 16).
_history_sources: list[TimelineSource] = []


def register_history_source(source: TimelineSource) -> TimelineSource:
    """Add a source to the History tab (once, however often ready() runs)."""
    if source not in _history_sources:
        _history_sources.append(source)
    return source


RELATION_FIELDS = [
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
    "sync_client_online",
    "person",
]
CONTACT_FIELDS = ["first_name", "infix", "last_name", "email", "phone", "job_title", "kind", "status", "successor"]
CONTACT_LINK_FIELDS = ["job_title", "is_admin", "is_approver", "status", "support_access", "sync_client_online"]


def _linked_contact_ids(relation: Relation) -> Subquery:
    return Subquery(ContactLink.objects.filter(relation_id=relation.pk).order_by().values("contact_id"))


def _own_keys(relation: Relation, depth: int) -> list[QuerySet]:
    return [
        history_keys(Relation.history.filter(id=relation.pk), "relation", depth=depth),
        history_keys(ContactLink.history.filter(relation_id=relation.pk), "contact_link", depth=depth),
        history_keys(Contact.history.filter(id__in=_linked_contact_ids(relation)), "contact", depth=depth),
    ]


def _own_render(relation: Relation, refs: Refs) -> Rendered:
    rendered: Rendered = {}
    if refs.get("relation"):
        entries = render_records(Relation.history.model, refs["relation"], lambda r: _("Relation"), RELATION_FIELDS)
        rendered.update({("relation", ref): entry for ref, entry in entries.items()})
    if refs.get("contact"):
        entries = render_records(
            Contact.history.model,
            refs["contact"],
            # The name as the record has it: `r.instance` would read the contact's fields that
            # history leaves out, one query per entry.
            lambda r: _("Contact %(name)s") % {"name": names.full_name(r.first_name, r.infix, r.last_name)},
            CONTACT_FIELDS,
        )
        rendered.update({("contact", ref): entry for ref, entry in entries.items()})
    if refs.get("contact_link"):
        entries = render_records(
            ContactLink.history.model,
            refs["contact_link"],
            lambda r: _("Contact link: %(name)s") % {"name": r.contact or f"#{r.contact_id}"},
            CONTACT_LINK_FIELDS,
            related=("contact",),
        )
        rendered.update({("contact_link", ref): entry for ref, entry in entries.items()})
    return rendered


_own_source = TimelineSource(keys=_own_keys, render=_own_render)


# The tab pages through the newest this many entries (and says "more than" past them): each
# source reads at most one more than this many keys from its index.
HISTORY_COUNT_CAP = 500


def relation_timeline(relation: Relation) -> QuerySet:
    """The key rows (when, source, ref) of the relation's timeline, newest first: page this
    (capped at HISTORY_COUNT_CAP), then `timeline_entries(page)`."""
    depth = HISTORY_COUNT_CAP + 1
    sources = [_own_source, *_history_sources]
    first, *rest = [keys for source in sources for keys in source.keys(relation, depth)]
    # Ties (rows written in one instant) in a fixed order, so no entry shows on two pages.
    return first.union(*rest, all=True).order_by("-when", "-source", "-ref")


def timeline_entries(relation: Relation, rows) -> list[HistoryEntry]:
    """The entries of one page of key rows, in the page's order."""
    rows = list(rows)
    refs = group_by_source(rows)
    rendered: Rendered = {}
    for source in [_own_source, *_history_sources]:
        rendered.update(source.render(relation, refs))
    return [rendered[(source, ref)] for _when, source, ref in rows if (source, ref) in rendered]
