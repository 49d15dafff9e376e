"""One access helper per model: a missing and a forbidden object give the same 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from relations.models import Relation, RelinkRecord
from tenants.rows import MAX_ID, fetch_one


def get_relation_for_staff(request, pk: int) -> Relation:
    """The relation of every relation page. The schema is the contractant's own (host routing),
    so every row here is ours. Read on every tab of the relation: one plain statement
    (tenants.rows); an id no bigint can hold names no relation."""
    relation = fetch_one(Relation, "id", pk) if 0 < pk <= MAX_ID else None
    if relation is None:
        raise Http404
    return relation


def get_relink_record_for_staff(request, pk: int) -> RelinkRecord:
    return get_object_or_404(
        RelinkRecord.objects.select_related("from_relation", "to_relation", "contractant", "actor"), pk=pk
    )
