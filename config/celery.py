"""Celery app. Tasks carry their contractant's schema (tenant-schemas-celery)."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = CeleryApp("backoffice")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _operations_schedule(sender, **_kwargs) -> None:
    """Beat entries of operations (ops.tasks): a worker's heartbeat for /health/ready, and the
    totals over every schema that /metrics exports. Each expires after its interval, so a
    backed-up queue does not pile them up (a late heartbeat is then a stale one, as it should)."""
    from django.conf import settings

    for seconds, task in [
        (settings.WORKER_HEARTBEAT_SECONDS, "ops.worker_heartbeat"),
        (settings.PLATFORM_METRICS_SECONDS, "ops.refresh_platform_metrics"),
    ]:
        sender.add_periodic_task(seconds, sender.signature(task), name=task, expires=seconds)


def require_schema(schema_name: str) -> None:
    """Tenant tasks name their schema; one that arrived without it would run in public."""
    from django.db import connection

    if connection.schema_name != schema_name:
        raise RuntimeError(f"expected schema {schema_name!r}, running in {connection.schema_name!r}")


def queue_for_contractant(task, schema_name: str, **options):
    """Queue a tenant task that runs in `schema_name`, from whatever schema the caller is in.

    tenant-schemas-celery takes the schema from the `_schema_name` header and fills it with
    the *current* schema when absent; a beat job dispatching from the public schema must
    name the contractant's schema itself (an `apply_async(_schema_name=...)` option loses
    against that header).
    """
    headers = {**(options.pop("headers", None) or {}), "_schema_name": schema_name}
    return task.apply_async(args=[schema_name], headers=headers, **options)


def queue_for_every_active_contractant(task) -> int:
    """Beat entry points (public schema): queue `task` once per active contractant."""
    from tenants.models import Contractant

    schemas = list(Contractant.objects.filter(is_active=True).values_list("schema_name", flat=True))
    for schema_name in schemas:
        queue_for_contractant(task, schema_name)
    return len(schemas)
