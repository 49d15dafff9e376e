"""The contact page's history: the contact, its links and its attribute values."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from contacts.models import AttributeValue, Contact, ContactLink
from staff.history import HistoryEntry, history_entries

MAX_ENTRIES = 100


def contact_history(contact: Contact) -> list[HistoryEntry]:
    entries = history_entries(
        Contact.history.filter(id=contact.pk).select_related("history_user").order_by("-history_date")[:MAX_ENTRIES],
        lambda r: str(_("Contact")),
        [
            "first_name",
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
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:MAX_ENTRIES]
