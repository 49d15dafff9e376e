from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Webhook endpoints, signed deliveries of outbox events, the delivery log."""

    name = "webhooks"
    verbose_name = _("Webhooks")
