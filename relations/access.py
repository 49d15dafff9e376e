"""One access helper per model: a missing and a forbidden object give the same 404."""

from django.shortcuts import get_object_or_404

from relations.models import Relation


def get_relation_for_staff(request, pk: int) -> Relation:
    """The relation of every relation page. The schema is the contractant's own (host routing),
    so every row here is ours. An id no bigint can hold names no relation: Django's integer
    lookups answer such a value with no row, so get_object_or_404 gives the 404."""
    return get_object_or_404(Relation, pk=pk)
