"""Celery app. Tasks carry their contractant's schema (tenant-schemas-celery)."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = CeleryApp("backoffice")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def require_schema(schema_name: str) -> None:
    """Tenant tasks name their schema; one that arrived without it would run in public."""
    from django.db import connection

    if connection.schema_name != schema_name:
        raise RuntimeError(f"expected schema {schema_name!r}, running in {connection.schema_name!r}")
