"""The contact page's history: the contact, its links and its attribute values."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contacts.models import AttributeValue, Contact, ContactLink, MergeRecord
from staff.history import HistoryEntry, history_entries

MAX_ENTRIES = 100


def contact_history(contact: Contact) -> list[HistoryEntry]:
    entries = history_entries(
        Contact.history.filter(id=contact.pk).select_related("history_user").order_by("-history_date")[:MAX_ENTRIES],
        lambda r: str(_("Contact")),
        [
            "first_name",
            "infix",
            "last_name",
            "email",
            "phone",
            "job_title",
            "kind",
            "status",
            "successor_id",
            "out_of_service_on",
        ],
    )
    # The history row's relation is joined (LEFT: a removed link keeps its name while the relation exists).
    link_records = (
        ContactLink.history.filter(contact_id=contact.pk)
        .select_related("history_user", "relation")
        .order_by("-history_date")[:MAX_ENTRIES]
    )
    entries += history_entries(
        link_records,
        lambda r: str(_("Link to %(relation)s")) % {"relation": r.relation.name if r.relation else r.relation_id},
        ["job_title", "is_admin", "is_approver", "status", "support_access", "sync_client_online"],
    )
    entries += history_entries(
        AttributeValue.history.filter(contact_id=contact.pk)
        .select_related("history_user", "definition")
        .order_by("-history_date")[:MAX_ENTRIES],
        lambda r: str(_("Attribute %(name)s")) % {"name": r.definition.name if r.definition else "?"},
        ["value"],
    )
    entries += _merge_entries(contact)
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:MAX_ENTRIES]


def _merge_entries(contact: Contact) -> list[HistoryEntry]:
    """A merge, and its undo, as one entry each in the history of both contacts."""
    entries = []
    for record in MergeRecord.objects.filter(Q(survivor=contact) | Q(merged_contact_id=contact.pk)).select_related(
        "actor", "undone_by"
    )[:MAX_ENTRIES]:
        snapshot = record.merged_snapshot
        what = str(_("%(name)s (%(email)s) merged into %(survivor)s (%(survivor_email)s)")) % {
            "name": snapshot.get("name", ""),
            "email": snapshot.get("email", ""),
            "survivor": snapshot.get("survivor_name", ""),
            "survivor_email": snapshot.get("survivor_email", ""),
        }
        entries.append(HistoryEntry(record.created_at, _who(record.actor), what, str(_("merged")), []))
        if record.undone_at:
            entries.append(HistoryEntry(record.undone_at, _who(record.undone_by), what, str(_("merge undone")), []))
    return entries


def _who(user) -> str:
    return (user.email or user.username) if user is not None else str(_("system"))
