"""django-tenants' PostgreSQL backend, with two savings on every request.

1. Server-side binding without extra statements. With server-side binding (config/env.py),
   Django renders a statement with its parameters for its query log by opening a cursor, and
   every cursor of django-tenants sends a SET search_path first: with the query log on (DEBUG,
   the tests' query counts) each statement cost one more round trip. Rendering needs no round
   trip at all; psycopg's ClientCursor does it on the connection as it is.
2. Timestamps read at C speed. Django reads every timestamptz through a Python subclass of
   psycopg's pure-Python loader (to attach its time zone), so psycopg's C loader is never used:
   a regular expression and a datetime built field by field per value. On a task list page
   that was a twentieth of the worker's time (py-spy under bench/load.py). With USE_TZ and the
   connection in UTC (what Django sets up), PostgreSQL writes "YYYY-MM-DD HH:MM:SS[.ffffff]+00",
   which datetime.fromisoformat reads, in C, into the same value Django's loader gives. Anything
   else (another DateStyle, years past 9999, BC dates) goes to Django's own loader unchanged.
3. Table lists that do not grow with the number of contractants. Django lists a schema's tables
   (the migration recorder asks about six times per `migrate`) by calling pg_table_is_visible()
   on every row of pg_class: 460,000 rows at 1,000 contractants, about 0.4 s a call, so migrating
   each schema got slower the more schemas there were (bench/tenants.py). Only the rows of the
   schemas on the search path are looked at now (an index scan); the answer is the same.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.db.backends.postgresql.introspection import TableInfo
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from django_tenants.postgresql_backend.introspection import (
    DatabaseSchemaIntrospection,
    DatabaseSchemaIntrospectionSearchPathContext,
)
from psycopg import ClientCursor


class DatabaseOperations(PostgresOperations):
    def compose_sql(self, sql, params):
        self.connection.ensure_connection()
        return ClientCursor(self.connection.connection).mogrify(sql, params)


class UtcTimestamptzLoader(BaseTzLoader):
    """Django's timestamptz loader for USE_TZ with the connection in UTC, ISO values first."""

    # Django's create_cursor() compares this with the connection's time zone and keeps the
    # loader when they agree.
    timezone = UTC

    def load(self, data):
        text = bytes(data)
        if text.endswith(b"+00"):
            try:
                return datetime.fromisoformat(text.decode("ascii"))
            except ValueError:
                pass
        return super().load(data)


class DatabaseIntrospection(DatabaseSchemaIntrospection):
    def get_table_list(self, cursor):
        """Django's query, with the rows first narrowed to the namespaces on the search path."""
        with DatabaseSchemaIntrospectionSearchPathContext(cursor=cursor, connection=self.connection):
            cursor.execute(
                """
                SELECT
                    c.relname,
                    CASE
                        WHEN c.relispartition THEN 'p'
                        WHEN c.relkind IN ('m', 'v') THEN 'v'
                        ELSE 't'
                    END,
                    obj_description(c.oid, 'pg_class')
                FROM pg_catalog.pg_class c
                JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('f', 'm', 'p', 'r', 'v')
                    AND n.nspname NOT IN ('pg_catalog', 'pg_toast')
                    AND n.nspname = ANY (current_schemas(false))
                    AND pg_catalog.pg_table_is_visible(c.oid)
                """
            )
            return [TableInfo(*row) for row in cursor.fetchall() if row[0] not in self.ignored_tables]


class DatabaseWrapper(TenantDatabaseWrapper):
    ops_class = DatabaseOperations

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.introspection = DatabaseIntrospection(self)

    def get_connection_params(self):
        params = super().get_connection_params()
        if settings.USE_TZ and self.timezone == UTC:
            params["context"].adapters.register_loader("timestamptz", UtcTimestamptzLoader)
        return params
