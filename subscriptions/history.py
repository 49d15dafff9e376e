"""A relation's subscriptions and technical setups on its History tab (relations.history)."""

from __future__ import annotations

from django.db.models import Subquery
from django.utils.translation import gettext_lazy as _

from staff.history import HistoryEntry, history_entries
from subscriptions.models import Subscription, TechnicalSetup


def subscription_history(relation, limit: int) -> list[HistoryEntry]:
    subscription_ids = Subscription.history.filter(relation_id=relation.pk).values("id")
    entries = history_entries(
        Subscription.history.filter(id__in=Subquery(subscription_ids))
        .select_related("history_user")
        .order_by("-history_date")[:limit],
        lambda r: str(_("Subscription %(product)s")) % {"product": r.product},
        ["product", "start_date", "end_date", "is_active"],
    )
    entries += history_entries(
        TechnicalSetup.history.filter(subscription_id__in=Subquery(subscription_ids))
        .select_related("history_user", "contractant")
        .order_by("-history_date")[:limit],
        lambda r: str(_("Technical setup: %(contractant)s")) % {"contractant": r.contractant.name},
        ["database", "contractant_id"],
    )
    return entries
