from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Webhook endpoints, signed deliveries of outbox events, the delivery log."""

    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from outbox.hooks import register_listener

        register_listener(queue_fan_out)


def queue_fan_out(schema_name: str, event_id: int) -> None:
    """After an event's commit: the worker fans it out to this contractant's endpoints."""
    from webhooks.tasks import fan_out_task

    fan_out_task.delay(schema_name, event_id)
