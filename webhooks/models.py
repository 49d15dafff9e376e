"""Webhook endpoints registered by staff administrators, and the log of deliveries to them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from outbox.models import Event


class EventKind(models.TextChoices):
    """The outbox kinds an endpoint can subscribe to (recorded by the services that write them)."""

    TASK_CREATED = "task.created", _("Task created")
    TASK_UPDATED = "task.updated", _("Task updated")
    TASK_CLOSED = "task.closed", _("Task closed")
    RELATION_RELINKED = "relation.relinked", _("Relation relinked")
    CONTACT_OUT_OF_SERVICE = "contact.out_of_service", _("Contact out of service")


class Endpoint(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")

    id = models.BigAutoField(primary_key=True)
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = ArrayField(models.CharField(max_length=40, choices=EventKind.choices), verbose_name=_("events"))
    # Kept to sign each delivery; shown to staff once, when the endpoint is created.
    secret = models.CharField(max_length=80)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["url", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["active", "paused"]), name="webhook_status_valid"),
        ]

    def __str__(self) -> str:
        return self.url

    @property
    def is_paused(self) -> bool:
        return self.status == self.Status.PAUSED

    def event_labels(self) -> list[str]:
        return [str(EventKind(kind).label) for kind in self.events if kind in EventKind.values]


class Delivery(models.Model):
    """One event sent to one endpoint, with the outcome of its last attempt. A redelivery is a
    new row, so the log keeps both."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RETRYING = "retrying", _("Retrying")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")
        # Created while the endpoint was paused: sent when it is resumed.
        HELD = "held", _("Held while paused")

    id = models.BigAutoField(primary_key=True)
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    # Sent as the X-Webhook-Delivery header: receivers drop a delivery they have seen.
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    redelivery_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "retrying", "succeeded", "failed", "held"]),
                name="webhook_delivery_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["endpoint", "-created_at", "-id"], name="webhook_delivery_log"),
            models.Index(fields=["endpoint"], name="webhook_delivery_held", condition=models.Q(status="held")),
        ]

    def __str__(self) -> str:
        return f"{self.event.kind} → {self.endpoint.url}"
