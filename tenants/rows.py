"""Plain statements for the reads every page makes, giving model instances as the ORM would.

The ORM spends longer composing a read than PostgreSQL spends answering it when the read is
small and runs on every page (the logged-in user, the portal user's contact and memberships):
bench/load.py measured about 0.4 ms to compose a two-table read of three rows. These helpers
keep such a read one plain statement over the models' own columns, and give the same model
instances select_related() would. Everything else uses the ORM.
"""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.db.models import Model

# The largest value of PostgreSQL's bigint, the type of every primary key here: an id past it
# names no row (and would be refused as a parameter).
MAX_ID = 2**63 - 1


@cache
def columns(model: type[Model], alias: str) -> str:
    """The SELECT list of every concrete column of a model, for a table aliased `alias`."""
    return ", ".join(f'{alias}."{field.column}"' for field in model._meta.concrete_fields)


@cache
def _attnames(model: type[Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def fetch_instances(sql: str, params: list, *models: type[Model]) -> list[tuple[Model, ...]]:
    """Run a statement that selects columns(model, ...) of each model in turn; one tuple of
    instances per row."""
    names = [_attnames(model) for model in models]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = []
    for row in rows:
        start, instances = 0, []
        for model, attnames in zip(models, names, strict=True):
            instances.append(model.from_db(connection.alias, attnames, row[start : start + len(attnames)]))
            start += len(attnames)
        found.append(tuple(instances))
    return found


def fetch_one(model: type[Model], field: str, value):
    """The instance whose `field` (its primary key or a unique field) equals `value`, or None."""
    column = model._meta.get_field(field).column
    found = fetch_instances(
        f'SELECT {columns(model, "t")} FROM "{model._meta.db_table}" t WHERE t."{column}" = %s', [value], model
    )
    return found[0][0] if found else None
