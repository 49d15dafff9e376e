from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Health, readiness and metrics endpoints, structured logs and error reporting."""

    name = "ops"
    verbose_name = _("Operations")
