"""What Client Online has acknowledged (per contractant), sync runs and failures."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal_sync.lock import LOCK_SECONDS

# A running run whose worker has not reported for this long is taken for dead (killed, machine
# gone): the Sync status page shows it as interrupted, and the next run records it so. A chunk
# reports within seconds; the worker's Redis lock (portal_sync.tasks) lapses after 30 s.
STALE_AFTER = timedelta(minutes=5)
# A worker renews its lock after every chunk; a run silent for longer than the lock lives, with
# no lock held, has lost its worker (a margin for a slow chunk and clock skew).
LOCK_LAPSED_AFTER = timedelta(seconds=LOCK_SECONDS + 15)
# Of a run's plan, this many operations are kept to show as "waiting" on the Sync status page.
WAITING_SHOWN = 50
# Of the synced relations without a synced member, this many are named on the Sync status page.
MEMBERLESS_SHOWN = 20


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
    # The codes of the first MEMBERLESS_SHOWN synced relations without a synced member (their
    # number is counts["memberless"]["clients"]): Client Online shows them to nobody.
    memberless = models.JSONField(default=list)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["-started_at", "-id"], name="sync_run_recent"),
            models.Index(
                fields=["-started_at", "-id"], name="sync_run_planned", condition=models.Q(planned_at__isnull=False)
            ),
            models.Index(fields=["-started_at", "-id"], name="sync_run_running", condition=models.Q(status="running")),
            # The runs the Sync status page lists: those that found something to do.
            models.Index(
                fields=["-started_at", "-id"],
                name="sync_run_listed",
                condition=~models.Q(status="done", planned=0, error=""),
            ),
        ]

    def __str__(self) -> str:
        return f"run {self.pk} {self.status}"

    @property
    def is_empty(self) -> bool:
        """A run that found nothing to do: folded into "nothing to do since", never listed."""
        return self.status == self.Status.DONE and self.planned == 0 and not self.error

    def worker_gone(self, *, lock_held: bool) -> bool:
        """Running, but its worker is gone: silent for STALE_AFTER, or silent for longer than
        the worker's lock lives while no worker holds that lock (killed, machine gone)."""
        if self.status != self.Status.RUNNING:
            return False
        silence = timezone.now() - (self.heartbeat_at or self.started_at)
        return silence > STALE_AFTER or (not lock_held and silence > LOCK_LAPSED_AFTER)

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
