"""The History tab: every recorded change to a relation and what hangs off it, newest first."""

from __future__ import annotations

from django.db.models import Subquery
from django.utils.translation import gettext_lazy as _

from relations.models import Relation, RelinkRecord
from subscriptions.models import Subscription, TechnicalSetup
from tasks.models import TaskLink
from tenants.history import HistoryEntry, history_entries

MAX_ENTRIES = 200


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
    subscription_ids = Subscription.history.filter(relation_id=relation.pk).values("id")
    entries += history_entries(
        Subscription.history.filter(id__in=Subquery(subscription_ids))
        .select_related("history_user")
        .order_by("-history_date")[:MAX_ENTRIES],
        lambda r: str(_("Subscription %(product)s")) % {"product": r.product},
        ["product", "start_date", "end_date", "is_active"],
    )
    entries += history_entries(
        TechnicalSetup.history.filter(subscription_id__in=Subquery(subscription_ids))
        .select_related("history_user", "contractant")
        .order_by("-history_date")[:MAX_ENTRIES],
        lambda r: str(_("Technical setup: %(contractant)s")) % {"contractant": r.contractant.name},
        ["database", "contractant_id"],
    )
    link_records = list(
        TaskLink.history.filter(id__in=Subquery(TaskLink.history.filter(relation_id=relation.pk).values("id")))
        .select_related("history_user")
        .order_by("-history_date")[:MAX_ENTRIES]
    )
    names = dict(Relation.objects.filter(pk__in={r.relation_id for r in link_records}).values_list("pk", "name"))
    entries += history_entries(
        link_records,
        lambda r: (
            str(_("Task link #%(task)s → %(relation)s")) % {"task": r.task_id, "relation": names.get(r.relation_id)}
        ),
        ["relation_id"],
        display=lambda _name, value: names.get(value, str(value)),
    )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:MAX_ENTRIES]


def relink_records(relation: Relation):
    return (
        (RelinkRecord.objects.filter(from_relation=relation) | RelinkRecord.objects.filter(to_relation=relation))
        .select_related("from_relation", "to_relation", "contractant", "actor", "undo_of")
        .order_by("-created_at", "-pk")
    )
