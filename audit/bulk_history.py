"""Set-based writes that still leave a django-simple-history row per changed object.

Moving 10,000 task links one `save()` at a time costs 20,000+ queries. Here one SQL
statement changes the rows and writes their history rows in the same statement
(`WITH changed AS (... RETURNING ...) INSERT INTO history ...`), so the number of
queries does not grow with the number of rows (bench/relink.py).

Why in audit: the history rows are the record of who changed what, which is audit's subject
(the security log reads simple_history's request context the same way), and audit sits below
every domain app, so contacts (merged attribute values) and tasks (relinked and handed-over
tasks) both use it without importing each other (STYLE 16). It knows no model of its own.
"""

from __future__ import annotations

from django.db import connection, models


def _history_model(model: type[models.Model]) -> type[models.Model]:
    # django-simple-history adds `history` to the class at runtime; the type checker cannot see it.
    return model.history.model  # type: ignore[attr-defined]


def _history_columns(model: type[models.Model]) -> list[str]:
    history_model = _history_model(model)
    history_only = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}
    return [
        field.column
        for field in history_model._meta.concrete_fields
        if field.name not in history_only and field.column != "history_user_id"
    ]


def execute_with_history(
    model: type[models.Model],
    *,
    dml: str,
    params: list,
    history_type: str,
    user_id: int | None,
    reason: str,
    returning: str | None = None,
) -> list[int]:
    """Run `dml` (an UPDATE, DELETE or INSERT on `model`'s table, without RETURNING) and record
    one history row per affected row, in one statement. Returns the affected primary keys, or
    the column `returning` of the affected rows (an INSERT's caller knows no primary key yet).

    Pass many ids as one array parameter of the column's type (`id = ANY(%s::bigint[])` with a
    list), never one parameter per id: 50,000 bound parameters cost PostgreSQL seconds to plan
    (issue 17). Without the cast psycopg sends small ints as int2[]/int4[], and a cross-type
    `bigint = ANY(int4[])` cannot be hashed: PostgreSQL compares each row with every element
    (13 s for 50,000 ids instead of milliseconds)."""
    assert history_type in {"~", "-", "+"}
    columns = _history_columns(model)
    column_list = ", ".join(f'"{column}"' for column in columns)
    history_table = _history_model(model)._meta.db_table
    pk_column = returning or model._meta.pk.column
    assert pk_column in columns
    sql = (
        f"WITH changed AS ({dml} RETURNING {column_list}) "
        f'INSERT INTO "{history_table}" ({column_list}, history_date, history_type, history_user_id, '
        f"history_change_reason) "
        f"SELECT {column_list}, clock_timestamp(), %s, %s, %s FROM changed "
        f'RETURNING "{pk_column}"'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, history_type, user_id, reason])
        return [row[0] for row in cursor.fetchall()]
