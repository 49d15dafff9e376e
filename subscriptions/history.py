"""A relation's subscriptions and technical setups on its History tab (relations.history)."""

from __future__ import annotations

from django.db.models import Subquery
from django.utils.translation import gettext_lazy as _

from relations.history import Refs, Rendered, TimelineSource
from relations.models import Relation
from staff.history import history_keys, render_records
from subscriptions.models import Subscription, TechnicalSetup


def _subscription_ids(relation: Relation) -> Subquery:
    return Subquery(Subscription.history.filter(relation_id=relation.pk).order_by().values("id"))


def _keys(relation: Relation, depth: int) -> list:
    return [
        history_keys(Subscription.history.filter(id__in=_subscription_ids(relation)), "subscription", depth=depth),
        history_keys(
            TechnicalSetup.history.filter(subscription_id__in=_subscription_ids(relation)), "setup", depth=depth
        ),
    ]


def _render(relation: Relation, refs: Refs) -> Rendered:
    rendered: Rendered = {}
    if refs.get("subscription"):
        entries = render_records(
            Subscription.history.model,
            refs["subscription"],
            lambda r: str(_("Subscription %(product)s")) % {"product": r.product},
            ["product", "start_date", "end_date", "is_active"],
        )
        rendered.update({("subscription", ref): entry for ref, entry in entries.items()})
    if refs.get("setup"):
        entries = render_records(
            TechnicalSetup.history.model,
            refs["setup"],
            lambda r: str(_("Technical setup: %(contractant)s")) % {"contractant": r.contractant.name},
            ["database", "contractant", "bound_at"],
            related=("contractant",),
        )
        rendered.update({("setup", ref): entry for ref, entry in entries.items()})
    return rendered


subscription_history = TimelineSource(keys=_keys, render=_render)
