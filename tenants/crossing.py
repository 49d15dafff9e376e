"""The one module allowed to cross schema boundaries.

Every `schema_context` / `tenant_context` call in application code lives here, as a
named function that says exactly what it reads or writes in which schema, so tenant
isolation has one place to audit (DESIGN.md, Tenancy). tests/test_isolation.py greps
the code base to keep it that way.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tenants.utils import schema_context


def pending_template_migrations(template_schema: str) -> list:
    """Migrations not yet applied to the template schema new contractants are cloned from."""
    with schema_context(template_schema):
        executor = MigrationExecutor(connection)
        return executor.migration_plan(executor.loader.graph.leaf_nodes())


def create_first_staff_user(*, schema_name: str, email: str, password: str):
    """Create the first staff user (a staff administrator) inside a new contractant's schema."""
    with schema_context(schema_name):
        return get_user_model().objects.create_user(
            username=email, email=email, password=password, is_staff=True, is_superuser=True
        )
