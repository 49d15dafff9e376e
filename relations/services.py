"""Writes on relations."""

from __future__ import annotations

from django.db import transaction

from tenants.hooks import data_changed
from relations.models import Relation
from tenants.models import ContractantBinding, current_contractant

RELATION_FIELDS = [
    "kind",
    "customer_number",
    "coc_number",
    "name",
    "street",
    "house_number",
    "postcode",
    "city",
    "country",
    "is_active",
    "sync_client_online",
]


def relation_create(*, actor, **data) -> Relation:
    with transaction.atomic():
        relation = Relation(**{name: value for name, value in data.items() if name in RELATION_FIELDS})
        relation.full_clean()
        relation._history_user = actor
        relation.save()
        data_changed()
    return relation


def relation_update(*, relation: Relation, actor, data: dict) -> Relation:
    changed = [name for name in RELATION_FIELDS if name in data and getattr(relation, name) != data[name]]
    if not changed:
        return relation
    with transaction.atomic():
        for name in changed:
            setattr(relation, name, data[name])
        relation.full_clean()
        relation._history_user = actor
        relation.save(update_fields=[*changed, "updated_at"])
        if "name" in changed:
            ContractantBinding.objects.filter(holder=current_contractant(), relation_id=relation.pk).update(
                relation_name=relation.name
            )
        data_changed()
    return relation
