"""What Client Online has acknowledged (per contractant), sync runs and failures."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RemoteClient(models.Model):
    external_id = models.CharField(max_length=100, unique=True)
    data = models.JSONField(default=dict)

    def __str__(self) -> str:
        return self.external_id


class RemoteUser(models.Model):
    external_id = models.CharField(max_length=100, unique=True)
    data = models.JSONField(default=dict)

    def __str__(self) -> str:
        return self.external_id


class RemoteMembership(models.Model):
    user_id = models.CharField(max_length=100)
    client_id = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user_id", "client_id"], name="remote_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.client_id}"


class SyncRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        PARTIAL = "partial", _("Done with failures")
        INTERRUPTED = "interrupted", _("Interrupted")

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RUNNING)
    planned = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"run {self.pk} {self.status}"

    @property
    def progress_percent(self) -> int:
        return int(100 * (self.done + self.failed + self.skipped) / self.planned) if self.planned else 100


class SyncFailure(models.Model):
    """An operation Client Online refused (4xx): shown with its error and a Retry button."""

    kind = models.CharField(max_length=20)
    key = models.JSONField()
    error = models.TextField()
    status_code = models.PositiveSmallIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}: {self.error}"
