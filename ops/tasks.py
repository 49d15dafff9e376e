"""Beat jobs of operations (scheduled in config/celery.py); they run in the public schema."""

from __future__ import annotations

from config.celery import app


@app.task(name="ops.worker_heartbeat", ignore_result=True)
def worker_heartbeat_task() -> None:
    """Run by a worker every WORKER_HEARTBEAT_SECONDS: /health/ready fails when it stops."""
    from ops.services import record_worker_heartbeat

    record_worker_heartbeat()


@app.task(name="ops.refresh_platform_metrics", ignore_result=True)
def refresh_platform_metrics_task() -> None:
    from ops.services import refresh_platform_metrics

    refresh_platform_metrics()
