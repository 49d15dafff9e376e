"""An import of relations and contacts: the file's rows as previewed, then as committed."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """One uploaded file: previewed row by row, written only once confirmed (transfer.services).
    The import log lists these: who, which file, when, and the counts."""

    class State(models.TextChoices):
        PREVIEW = "preview", _("Awaiting confirmation")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        DISCARDED = "discarded", _("Discarded")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    file_name = models.CharField(_("file name"), max_length=255)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PREVIEW)
    # Columns of the file that are not ours, per sheet: named on the preview, ignored.
    unknown_columns = models.JSONField(default=list, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # Per outcome (create, update, unchanged, refuse) as previewed, then as committed.
    planned = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(done__lte=models.F("total")), name="import_job_done_within_total")
        ]

    def __str__(self) -> str:
        return self.file_name


class ImportRow(models.Model):
    """One row of the file: what the preview found (action, messages) and, once committed, what
    happened (outcome). Pending rows are what a resumed import still has to do."""

    class Sheet(models.TextChoices):
        RELATIONS = "relations", _("Relations")
        CONTACTS = "contacts", _("Contacts")

    class Action(models.TextChoices):
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        UNCHANGED = "unchanged", _("Unchanged")
        REFUSE = "refuse", _("Refused")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        UNCHANGED = "unchanged", _("Unchanged")
        REFUSED = "refused", _("Refused")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    sheet = models.CharField(max_length=10, choices=Sheet.choices)
    # The row's line in the file (the heading is line 1), as a spreadsheet shows it.
    line = models.PositiveIntegerField()
    # The row's values as checked (model field names), and for contacts the customer numbers to link.
    data = models.JSONField(default=dict)
    target_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    message = models.TextField(blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["job", "outcome", "id"], name="import_row_pending")]

    def __str__(self) -> str:
        return f"{self.sheet} {self.line}: {self.action}"

    @property
    def label(self) -> str:
        """What the row is about, for the preview: the customer number and name, or the e-mail."""
        if self.sheet == self.Sheet.RELATIONS:
            return " · ".join(part for part in [self.data.get("customer_number"), self.data.get("name")] if part)
        name = " ".join(part for part in [self.data.get("first_name"), self.data.get("last_name")] if part)
        return " · ".join(part for part in [self.data.get("email"), name] if part)
