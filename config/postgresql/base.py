"""django-tenants' PostgreSQL backend, with server-side binding that sends no extra statements.

With server-side binding (config/env.py), Django renders a statement with its parameters for
its query log by opening a cursor, and every cursor of django-tenants sends a SET search_path
first: with the query log on (DEBUG, the tests' query counts) each statement cost one more
round trip. Rendering needs no round trip at all; psycopg's ClientCursor does it on the
connection as it is.
"""

from __future__ import annotations

from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from psycopg import ClientCursor


class DatabaseOperations(PostgresOperations):
    def compose_sql(self, sql, params):
        self.connection.ensure_connection()
        return ClientCursor(self.connection.connection).mogrify(sql, params)


class DatabaseWrapper(TenantDatabaseWrapper):
    ops_class = DatabaseOperations
