"""Reads that subscription and relink pages share."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet

from subscriptions.models import RelinkRecord
from tasks.models import TaskLink
from tenants.models import Contractant, current_contractant

# A picker, not a list of the platform: at most this many matches are offered at a time.
CONTRACTANT_CHOICES_SHOWN = 20


def bindable_contractants(*, database: str) -> QuerySet[Contractant]:
    """The contractants this environment may bind in `database`: active customers, not itself.

    Empty unless this environment is a supplier; the service checks the same rules again
    (subscriptions.services.binding_refusal), so the picker only saves a refused round trip.
    """
    current = current_contractant()
    if not current.is_supplier:
        return Contractant.objects.none()
    return (
        Contractant.objects.filter(database=database, is_active=True, role=Contractant.Role.CUSTOMER)
        .exclude(pk=current.pk)
        .order_by("name", "pk")
    )


def contractant_choices(*, database: str, search: str = "") -> list[Contractant]:
    """The first matches of a search by name, schema or host, for the technical setup's picker."""
    contractants = bindable_contractants(database=database)
    if search:
        contractants = contractants.filter(
            Q(name__icontains=search) | Q(schema_name__icontains=search) | Q(domains__domain__icontains=search)
        ).distinct()
    return list(contractants[:CONTRACTANT_CHOICES_SHOWN])


def relink_records(relation) -> QuerySet[RelinkRecord]:
    """The relinks from or to a relation, newest first, with what their table shows."""
    return (
        RelinkRecord.objects.filter(Q(from_relation=relation) | Q(to_relation=relation))
        .select_related("from_relation", "to_relation", "contractant", "actor", "undo_of", "undone_by")
        # The ids of 50,000 moved tasks are the undo's business, not the table's.
        .defer("moved_task_ids", "kept_link_task_ids", "undo_of__moved_task_ids", "undo_of__kept_link_task_ids")
        .defer("undone_by__moved_task_ids", "undone_by__kept_link_task_ids")
        .order_by("-created_at", "-pk")
    )


def linked_task_ids(*, relation_id: int, among: list[int]) -> list[int]:
    """Those of the tasks `among` linked to the relation, by number, in one query with one
    array parameter (`= ANY(%s)`): a relink's 50,000 ids as 50,000 bound parameters would cost
    PostgreSQL seconds to plan (issue 17). The cast matters: psycopg sends small ints as an
    int2[] or int4[], and `bigint = ANY(int4[])` is searched element by element for every row
    (13 s for 50,000 ids), where `bigint = ANY(bigint[])` is hashed (milliseconds)."""
    if not among:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT task_id FROM "{TaskLink._meta.db_table}" WHERE relation_id = %s AND task_id = ANY(%s::bigint[]) '
            "ORDER BY task_id",
            [relation_id, list(among)],
        )
        return [row[0] for row in cursor.fetchall()]
