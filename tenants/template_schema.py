"""The migrated template schema that new contractants are cloned from.

Cloning a schema that already holds every migration is an order of magnitude faster
than replaying the migrations for each new contractant (bench/provision.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_exists

from tenants.crossing import pending_template_migrations

_checked_in_this_process = False


def template_schema_name() -> str:
    return settings.TENANT_BASE_SCHEMA


def migrate_template_schema(*, verbosity: int = 0) -> None:
    """Create the template schema if missing and apply every tenant migration to it."""
    global _checked_in_this_process
    name = template_schema_name()
    if not schema_exists(name):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{name}"')
    call_command("migrate_schemas", tenant=True, schema_name=name, interactive=False, verbosity=verbosity)
    _checked_in_this_process = True


def ensure_template_schema_current() -> None:
    """Migrate the template once per process if it is missing or behind the code."""
    global _checked_in_this_process
    if _checked_in_this_process:
        return
    name = template_schema_name()
    if not schema_exists(name) or pending_template_migrations(name):
        migrate_template_schema()
    _checked_in_this_process = True
