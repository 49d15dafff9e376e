"""One access helper per model: a missing and a forbidden object give the same 404."""

from django.shortcuts import get_object_or_404

from relations.models import Relation, RelinkRecord


def get_relation_for_staff(request, pk: int) -> Relation:
    """The relation of every relation page. The schema is the contractant's own (host routing),
    so every row here is ours. An id no bigint can hold names no relation: Django's integer
    lookups answer such a value with no row, so get_object_or_404 gives the 404."""
    return get_object_or_404(Relation, pk=pk)


def get_relink_record_for_staff(request, pk: int) -> RelinkRecord:
    return get_object_or_404(
        RelinkRecord.objects.select_related("from_relation", "to_relation", "contractant", "actor"), pk=pk
    )
