"""A staff member's notifications and their e-mail preference per kind."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from notifications.kinds import Kind, sentence


class Notification(models.Model):
    """One thing a staff member should know of. The sentence is not stored: `kind` and `params`
    are, and the page renders them in the reader's language (notifications.kinds)."""

    Kind = Kind

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    params = models.JSONField(default=dict, blank=True)
    # A path on the contractant's own host: what the notification is about.
    url = models.CharField(max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What it reports ("task-change:12", "message:40"): each recipient hears of it once, however
    # often the job that tells them runs. Empty: no such guard.
    key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set in the transaction that sends its e-mail (notifications.services.send_notification_email).
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The bell's unread count.
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_read"),
            # The list, newest first.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notif_recipient_newest"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="notif_kind_known"),
            models.CheckConstraint(condition=Q(url__startswith="/"), name="notif_url_is_a_path"),
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notif_once_per_recipient_and_key"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return sentence(self.kind, self.params)

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """A staff member's choice for one kind; no row is the kind's default (notifications.kinds)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    email = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notif_pref_one_per_kind"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="notif_pref_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {'e-mail' if self.email else 'app'}"
