"""Events recorded by the services in the same transaction as their write."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """One thing that happened ("task.closed"), with the ids and fields a receiver needs.

    Rolled back with the write that recorded it; handed to the listeners (webhooks) after
    commit. `dispatched_at` is set once a listener has fanned it out, so a relay can pick up
    what a lost queue message left behind."""

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(_("kind"), max_length=60)
    payload = models.JSONField(_("payload"), encoder=DjangoJSONEncoder, default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["created_at"], name="outbox_event_pending", condition=models.Q(dispatched_at=None)),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
