"""Lookups that let PostgreSQL's trigram indexes serve a list's search.

Django's `icontains` writes `UPPER(column) LIKE UPPER(pattern)`, which a plain
`gin (column gin_trgm_ops)` index cannot serve; `column ILIKE pattern` can. Every list that
searches inside a text column builds its filter with `contains()` and has such an index.
"""

from __future__ import annotations

from django.db.models import CharField, F, Value
from django.db.models.lookups import Lookup


class Operator(Lookup):
    """A lookup written as PostgreSQL writes the condition, `sql` with {column} and {value}
    (Django's own lookups wrap the column in functions that keep the index from serving)."""

    prepare_rhs = False
    sql: str  # "%" doubled: the SQL goes through the driver's parameter formatting

    def as_sql(self, compiler, connection):
        column, column_params = self.process_lhs(compiler, connection)
        value, value_params = self.process_rhs(compiler, connection)
        params = (*column_params, *value_params)
        if self.sql.index("{value}") < self.sql.index("{column}"):
            params = (*value_params, *column_params)
        return self.sql.format(column=column, value=value), params


class ILike(Operator):
    """column ILIKE pattern, without Django's UPPER() around the column, so the trigram index serves it."""

    lookup_name = "ilike"
    sql = "{column} ILIKE {value}"


class AnyOf(Operator):
    """column = ANY(array). With the array an ArraySubquery, PostgreSQL reads the ids once (an
    InitPlan) and looks each one up by index, also inside an OR of other indexed conditions,
    where `column IN (subquery)` turns the whole OR into a sequential scan."""

    lookup_name = "any_of"
    sql = "{column} = ANY({value})"


def _literal(text: str) -> str:
    """`text` for a LIKE pattern: its % and _ (and the escape character) taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column: str, text: str) -> ILike:
    """`column` contains `text`, any case; % and _ in the text are taken literally."""
    return ILike(F(column), Value(f"%{_literal(text)}%", output_field=CharField()))


class Like(Operator):
    """column LIKE pattern: with the column in the "C" collation (Collate), a btree index on
    that expression reads a prefix ('jans%') as a range, in the index's order."""

    lookup_name = "like"
    sql = "{column} LIKE {value}"


def starts_with(expression, text: str) -> Like:
    """`expression` starts with `text` exactly; % and _ in the text are taken literally."""
    return Like(expression, Value(f"{_literal(text)}%", output_field=CharField()))


def starting_first(starting, others, limit: int) -> list:
    """The first `limit` rows of `starting` (those whose name starts with what was typed, read
    from an index in its order and cut there), then, only when they do not fill the page, of
    `others` (the other matches, which exclude them): a common name ("jansen") is one short
    read instead of a sort of its thousands of matches (issue 17)."""
    rows = list(starting[:limit])
    if len(rows) < limit:
        rows += others[: limit - len(rows)]
    return rows
