from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from staff.validators import reject_control_characters

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class Task(models.Model):
    """A support task (taak, melding, ticket)."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        WAITING = "waiting", _("Waiting")
        CLOSED = "closed", _("Closed")

    class Priority(models.IntegerChoices):
        LOW = 1, _("Low")
        NORMAL = 2, _("Normal")
        HIGH = 3, _("High")
        URGENT = 4, _("Urgent")

    OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING)

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.CharField(_("subject"), max_length=200, validators=[reject_control_characters])
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tasks",
        verbose_name=_("assignee"),
    )
    reporter = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_tasks",
        verbose_name=_("reporter"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Raised by every saved edit of what the edit form shows (subject, description, priority,
    # assignee, reporter): an edit form loaded at an older one is refused (audit.updates).
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "version"])
    # Set before save() or delete(); django-simple-history records it as the history row's user.
    _history_user: AbstractBaseUser | None

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["new", "open", "waiting", "closed"]), name="task_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status="closed", closed_at__isnull=False) | ~models.Q(status="closed"),
                name="task_closed_has_closed_at",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="task_status_created"),
            # The task list's order: its page is read from this index, not by sorting every task.
            models.Index(fields=["-created_at", "-id"], name="task_newest_first"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class TaskLink(models.Model):
    """Task ↔ relation (taakkoppeling). A task can be linked to several relations."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="links")
    relation = models.ForeignKey(
        "relations.Relation", on_delete=models.PROTECT, related_name="task_links", verbose_name=_("relation")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    # Set before save() or delete(); django-simple-history records it as the history row's user.
    _history_user: AbstractBaseUser | None

    class Meta:
        verbose_name = _("task link")
        verbose_name_plural = _("task links")
        constraints = [models.UniqueConstraint(fields=["task", "relation"], name="task_link_unique")]
        indexes = [models.Index(fields=["relation", "task"], name="task_link_relation")]

    def __str__(self) -> str:
        return f"{self.task_id} -> {self.relation_id}"


class TaskComment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.task_id}"


class NotificationLog(models.Model):
    """One row per (status change, contact) e-mailed: a retried worker never sends twice."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="notifications")
    change_id = models.BigIntegerField(help_text="id of the task's history record of the status change")
    contact = models.ForeignKey("contacts.Contact", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["change_id", "contact"], name="notification_once_per_change_and_contact")
        ]

    def __str__(self) -> str:
        return f"{self.task_id}/{self.change_id} -> {self.contact_id}"
