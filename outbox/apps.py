from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """Events the services record in the same transaction as their write, for deliveries after
    commit (webhooks); it imports no domain app."""

    name = "outbox"
    verbose_name = _("Outbox")
