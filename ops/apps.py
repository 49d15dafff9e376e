import contextlib

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Health, readiness and metrics endpoints, structured logs and error reporting."""

    name = "ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from celery.signals import task_postrun, task_prerun
        from prometheus_client import REGISTRY

        from ops.log_context import task_finished, task_started
        from ops.metrics import platform_collector

        # ValueError: already registered, when ready() runs twice in one process.
        with contextlib.suppress(ValueError):
            REGISTRY.register(platform_collector())
        task_prerun.connect(task_started, weak=False, dispatch_uid="ops.task_started")
        task_postrun.connect(task_finished, weak=False, dispatch_uid="ops.task_finished")
