"""What Client Online has acknowledged (per contractant), sync runs and failures."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A running run whose worker has not reported for this long is taken for dead (killed, machine
# gone): the Sync status page shows it as interrupted, and the next run records it so. A chunk
# reports within seconds; the worker's Redis lock (portal_sync.tasks) lapses after 30 s.
STALE_AFTER = timedelta(minutes=5)
# Of a run's plan, this many operations are kept to show as "waiting" on the Sync status page.
WAITING_SHOWN = 50


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
    # Written by the worker, read by the Sync status page, so the page never computes the plan
    # (issue 17: 1.2 s at 100,000 relations). When the plan was made (null: no plan, e.g. a
    # reconciliation that could not read Client Online), the last report of the worker,
    # the number of clients, users and memberships wanted and acknowledged
    # ({"desired": {...}, "remote": {...}}, remote as of the end of the run), and the first
    # WAITING_SHOWN operations not done by the run ([kind, [key...]]).
    planned_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict)
    waiting = models.JSONField(default=list)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["-started_at", "-id"], name="sync_run_recent"),
            models.Index(
                fields=["-started_at", "-id"], name="sync_run_planned", condition=models.Q(planned_at__isnull=False)
            ),
            models.Index(fields=["-started_at", "-id"], name="sync_run_running", condition=models.Q(status="running")),
        ]

    def __str__(self) -> str:
        return f"run {self.pk} {self.status}"

    @property
    def is_stale(self) -> bool:
        """Running, but its worker has not reported for STALE_AFTER: taken for dead."""
        last = self.heartbeat_at or self.started_at
        return self.status == self.Status.RUNNING and last is not None and timezone.now() - last > STALE_AFTER

    @property
    def shown_status(self) -> str:
        return str(self.Status.INTERRUPTED.label) if self.is_stale else self.get_status_display()

    @property
    def waiting_count(self) -> int:
        """Operations of this run's plan not done (refused, skipped, or not reached)."""
        return max(self.planned - self.done, 0)

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
        indexes = [
            models.Index(
                fields=["-created_at", "-id"], name="sync_failure_open", condition=models.Q(resolved_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}: {self.error}"
