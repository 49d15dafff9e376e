from __future__ import annotations

import datetime
import secrets
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from staff.validators import reject_control_characters

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def new_reply_token() -> str:
    """80 random bits as 20 hex digits: the part of a task's reply address that names it.

    Short enough for `reply+<token>@<domain>` to stay inside the 64 characters a local part may
    have, and says nothing about how many tasks exist (ids would)."""
    return secrets.token_hex(10)


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
    # The team that owns the task (staff.Team): its lead hears of breaches; a task can have a
    # team and an assignee, or either alone.
    team = models.ForeignKey(
        "staff.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
        verbose_name=_("team"),
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
    # Names the task in its reply address (tasks.reply_address); never shown, never guessable.
    reply_token = models.CharField(max_length=20, unique=True, default=new_reply_token, editable=False)
    # A customer's reply to a task closed longer than the reopen window starts a new task.
    follow_up_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        verbose_name=_("follow-up of"),
    )
    # Raised by every saved edit of what the edit form shows (subject, description, priority,
    # assignee, reporter): an edit form loaded at an older one is refused (audit.updates).
    version = models.PositiveIntegerField(default=1, editable=False)
    # SLA (tasks.sla): due times from the contractant's SlaPolicy, in its business hours.
    response_due_at = models.DateTimeField(_("respond before"), null=True, blank=True, editable=False)
    resolution_due_at = models.DateTimeField(_("resolve before"), null=True, blank=True, editable=False)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True, editable=False)
    # Set while the clock stands still (waiting for the customer, closed); on resuming, the
    # business minutes since are added to sla_paused_minutes and the open due times move on.
    sla_paused_at = models.DateTimeField(null=True, blank=True, editable=False)
    sla_paused_minutes = models.PositiveIntegerField(default=0, editable=False)
    # Set once, by the beat job (tasks.sla.flag_breaches), when a due time passed.
    sla_breached_at = models.DateTimeField(_("SLA breached"), null=True, blank=True, editable=False)

    history = HistoricalRecords(
        excluded_fields=[
            "updated_at",
            "version",
            "reply_token",
            # The SLA clock follows the status; the status change is what the history records.
            "response_due_at",
            "resolution_due_at",
            "first_response_at",
            "sla_paused_at",
            "sla_paused_minutes",
            "sla_breached_at",
        ]
    )
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
            # The task list's column sorts (tasks.selectors.SORTS), each read from an index in
            # either direction rather than by sorting every task.
            models.Index(fields=["subject", "id"], name="task_sort_subject"),
            models.Index(fields=["priority", "id"], name="task_sort_priority"),
            models.Index(fields=["status", "id"], name="task_sort_status"),
            models.Index(fields=["resolution_due_at", "id"], name="task_sort_sla"),
            # The task list's text search (staff.lookups.contains: ILIKE on the plain columns).
            GinIndex(fields=["subject"], opclasses=["gin_trgm_ops"], name="task_subject_trgm"),
            GinIndex(fields=["description"], opclasses=["gin_trgm_ops"], name="task_description_trgm"),
            # The "mine" and "my teams" queues and their capped counts: open tasks only.
            models.Index(fields=["assignee"], name="task_open_by_assignee", condition=~models.Q(status="closed")),
            models.Index(fields=["team"], name="task_open_by_team", condition=~models.Q(status="closed")),
            # The open queues newest first with what the SLA queues test (breached, due today):
            # their capped counts and pages read this index only, not the rows (issue 17).
            models.Index(
                fields=["-created_at", "-id"],
                name="task_open_newest_sla",
                include=["status", "sla_breached_at", "resolution_due_at", "response_due_at", "first_response_at"],
                condition=~models.Q(status="closed"),
            ),
            # The breached queue: few flagged tasks among a million.
            models.Index(
                fields=["sla_breached_at"], name="task_sla_breached", condition=models.Q(sla_breached_at__isnull=False)
            ),
            # The SLA beat job reads only running clocks that have not been flagged yet.
            models.Index(
                fields=["resolution_due_at"],
                name="task_sla_unflagged",
                # Two equalities, not IN: PostgreSQL prints an IN list differently after a schema
                # clone (tenants.schema_clone), and the clone must equal the template.
                condition=(models.Q(status="new") | models.Q(status="open")) & models.Q(sla_breached_at__isnull=True),
            ),
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
    # The task's own created_at (which never changes), copied onto the link by the services that
    # link a task: a relation's tasks newest first are then one read of task_link_relation_newest
    # instead of a walk over every task of the desk (issue 17: 50,000 tasks of one relation).
    task_created_at = models.DateTimeField(editable=False)
    # Whether the task is open (not closed), kept by the database: triggers of migration
    # 0019_task_link_open set it when a link is made and whenever a task closes or reopens, by
    # whatever path. A relation's open tasks are then one range of task_link_relation_open: the
    # relink preview counts 50,000 in a few milliseconds instead of joining them with every
    # open task of the desk (issue 17). Written by the database only.
    task_open = models.BooleanField(default=True, db_default=True, editable=False)

    # The copied date and the flag are derived from the task: nothing a person changed, so not
    # in the history.
    history = HistoricalRecords(excluded_fields=["task_created_at", "task_open"])
    # Set before save() or delete(); django-simple-history records it as the history row's user.
    _history_user: AbstractBaseUser | None

    class Meta:
        verbose_name = _("task link")
        verbose_name_plural = _("task links")
        constraints = [models.UniqueConstraint(fields=["task", "relation"], name="task_link_unique")]
        indexes = [
            models.Index(fields=["relation", "task"], name="task_link_relation"),
            models.Index(fields=["relation", "-task_created_at", "-task"], name="task_link_relation_newest"),
            models.Index(
                fields=["relation", "task"], name="task_link_relation_open", condition=models.Q(task_open=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} -> {self.relation_id}"


class TaskMessage(models.Model):
    """One message of a task's conversation: a public reply or an internal note.

    Written by staff (staff page), by a customer (portal or e-mail) or held from an unknown
    sender. Customers, their e-mails and Support tasks only ever read public replies
    (tasks.selectors.public_messages); an internal note never leaves the staff pages.
    """

    class Kind(models.TextChoices):
        REPLY = "reply", _("Public reply")
        NOTE = "note", _("Internal note")

    class Channel(models.TextChoices):
        STAFF = "staff", _("Staff")
        PORTAL = "portal", _("Portal")
        EMAIL = "email", _("E-mail")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REPLY)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.STAFF)
    # A staff member, or the portal login of the customer who wrote it.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="task_messages"
    )
    # Who wrote it as shown when no account points there (an e-mail sender, a deleted user).
    author_label = models.CharField(max_length=200, blank=True, validators=[reject_control_characters])
    body = models.TextField(_("message"))
    # A reply by e-mail from an address that is no contact of the task's relations: kept as an
    # internal note until staff publish it (tasks.conversation.publish_held_message).
    held_for_review = models.BooleanField(_("held for review"), default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Message-ID of the e-mail it came in as: a second delivery of one e-mail adds nothing.
    email_message_id = models.CharField(max_length=998, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=["reply", "note"]), name="task_message_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(held_for_review=False) | models.Q(kind="note"),
                name="task_message_held_is_a_note",
            ),
            models.UniqueConstraint(
                fields=["task", "email_message_id"],
                condition=~models.Q(email_message_id=""),
                name="task_message_email_once",
            ),
        ]
        indexes = [
            models.Index(fields=["task", "created_at"], name="task_message_task_time"),
            # The global search reads the messages of a recent window first (search.selectors).
            models.Index(fields=["created_at"], name="task_message_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} on {self.task_id}"

    @property
    def is_internal(self) -> bool:
        return self.kind == self.Kind.NOTE


def attachment_path(attachment: TaskAttachment, filename: str) -> str:
    """Per contractant, then per task; the stored name is random, the original is a field."""
    from django.db import connection

    # django-tenants' connection knows its schema; the type checker sees Django's base class.
    schema_name = getattr(connection, "schema_name", "public")
    return f"{schema_name}/tasks/{attachment.task.code}/{attachment.code}"


class TaskAttachment(models.Model):
    """A file on a task's message (or on the task itself, from its creation); it is as visible
    as its message: an internal note's files are internal too."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        TaskMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=300)
    name = models.CharField(_("file name"), max_length=255, validators=[reject_control_characters])
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_by_contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_internal(self) -> bool:
        return self.message is not None and self.message.kind == TaskMessage.Kind.NOTE


class TaskEmail(models.Model):
    """An e-mail about a task, in or out: the timeline shows it, and the unique keys make the
    worker send each one once however often it is retried."""

    class Direction(models.TextChoices):
        IN = "in", _("Received")
        OUT = "out", _("Sent")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="emails")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    # Out: the reply or the status change (a task history id) it reports; in: the message it became.
    message = models.ForeignKey(TaskMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="emails")
    change_id = models.BigIntegerField(null=True, blank=True)
    contact = models.ForeignKey("contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    address = models.CharField(max_length=254)
    subject = models.CharField(max_length=300, blank=True)
    # The e-mail's Message-ID header: what a customer's reply names in In-Reply-To.
    header_message_id = models.CharField(max_length=998)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "address"],
                condition=models.Q(direction="out", message__isnull=False),
                name="task_email_reply_once_per_address",
            ),
            models.UniqueConstraint(
                fields=["change_id", "address"],
                condition=models.Q(direction="out", change_id__isnull=False),
                name="task_email_change_once_per_address",
            ),
        ]
        indexes = [
            models.Index(fields=["task", "created_at"], name="task_email_task_time"),
            models.Index(fields=["header_message_id"], name="task_email_message_id"),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.address} ({self.task_id})"


class DeskSettings(models.Model):
    """The contractant's own desk rules (one row per schema, tasks.selectors.desk_settings)."""

    default_message_kind = models.CharField(
        _("new staff messages are"),
        max_length=10,
        choices=TaskMessage.Kind.choices,
        default=TaskMessage.Kind.REPLY,
        help_text=_("What the message box on a task starts as; each message is still chosen explicitly."),
    )
    reopen_window_days = models.PositiveSmallIntegerField(
        _("reopen closed tasks for"),
        default=14,
        help_text=_(
            "Days after closing in which a customer's reply reopens a task; later replies start a new, linked task."
        ),
    )
    support_address_local_part = models.CharField(
        _("support address"),
        max_length=64,
        default="support",
        validators=[reject_control_characters],
        help_text=_("The part before the @ of the address customers write to for a new task."),
    )

    class Meta:
        verbose_name = _("desk settings")
        verbose_name_plural = _("desk settings")

    def __str__(self) -> str:
        return "desk settings"


def _iso_weekdays(value: str) -> None:
    from django.core.exceptions import ValidationError

    if not value or any(day not in "1234567" for day in value) or len(set(value)) != len(value):
        raise ValidationError(_("Choose at least one business day."))


def _time_zone(value: str) -> None:
    import zoneinfo

    from django.core.exceptions import ValidationError

    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone."))


class SlaPolicy(models.Model):
    """The contractant's service levels (one row per schema, tasks.sla.sla_policy): business
    hours, and per priority a response and a resolution target in business minutes."""

    # One row per schema, kept so by the database.
    singleton = models.BooleanField(default=True, editable=False)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Amsterdam", validators=[_time_zone])
    # ISO weekdays, Monday = 1: "12345" is Monday to Friday.
    business_days = models.CharField(_("business days"), max_length=7, default="12345", validators=[_iso_weekdays])
    opens_at = models.TimeField(_("opens at"), default=datetime.time(8, 30))
    closes_at = models.TimeField(_("closes at"), default=datetime.time(17, 30))
    dutch_public_holidays = models.BooleanField(
        _("closed on Dutch public holidays"),
        default=True,
        help_text=_(
            "As the holidays package lists them: New Year, Good Friday, Easter, King's Day, Ascension, "
            "Whitsun, Christmas; Liberation Day every fifth year."
        ),
    )
    # A business day is 9 hours (540 minutes) with the default hours.
    response_minutes_low = models.PositiveIntegerField(_("response, low"), default=16 * 60)
    response_minutes_normal = models.PositiveIntegerField(_("response, normal"), default=8 * 60)
    response_minutes_high = models.PositiveIntegerField(_("response, high"), default=4 * 60)
    response_minutes_urgent = models.PositiveIntegerField(_("response, urgent"), default=60)
    resolution_minutes_low = models.PositiveIntegerField(_("resolution, low"), default=10 * 540)
    resolution_minutes_normal = models.PositiveIntegerField(_("resolution, normal"), default=5 * 540)
    resolution_minutes_high = models.PositiveIntegerField(_("resolution, high"), default=2 * 540)
    resolution_minutes_urgent = models.PositiveIntegerField(_("resolution, urgent"), default=8 * 60)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(fields=["singleton"], name="sla_policy_one_per_schema"),
            models.CheckConstraint(condition=models.Q(singleton=True), name="sla_policy_singleton_true"),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="sla_policy_hours",
                violation_error_message=_("Closing time must be after opening time."),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    response_minutes_low__gt=0,
                    response_minutes_normal__gt=0,
                    response_minutes_high__gt=0,
                    response_minutes_urgent__gt=0,
                    resolution_minutes_low__gt=0,
                    resolution_minutes_normal__gt=0,
                    resolution_minutes_high__gt=0,
                    resolution_minutes_urgent__gt=0,
                ),
                name="sla_policy_targets_positive",
                violation_error_message=_("Every target is at least one business minute."),
            ),
        ]

    def __str__(self) -> str:
        return "SLA policy"

    def targets(self, priority: int) -> tuple[int, int]:
        """(response, resolution) business minutes for a Task.Priority."""
        name = Task.Priority(priority).name.lower()
        return getattr(self, f"response_minutes_{name}"), getattr(self, f"resolution_minutes_{name}")


class SavedView(models.Model):
    """A task-list filter combination a staff member saved under a name, for themselves or
    shared with every staff member of the contractant."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_task_views", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=60, validators=[reject_control_characters])
    # The task list's query string (queue, filters and sort), without the page; only the keys
    # tasks.views.task_index reads survive tasks.saved_views.clean_query.
    query = models.CharField(max_length=1000)
    shared = models.BooleanField(_("shared with the team"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint("owner", "name", name="saved_view_name_per_owner")]

    def __str__(self) -> str:
        return self.name


class BulkJob(models.Model):
    """One bulk action on a selection of tasks (tasks.bulk): run at once for a small selection,
    by the worker for a large one, with a result per task (BulkJobItem)."""

    class Action(models.TextChoices):
        ASSIGN = "assign", _("Assign")
        STATUS = "status", _("Change status")
        PRIORITY = "priority", _("Change priority")
        LINK = "link", _("Link a relation")
        UNLINK = "unlink", _("Remove a relation link")
        CLOSE = "close", _("Close with a reply")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    # What the action needs (assignee id, status, priority, relation id, reply text), as the
    # bulk form cleaned it.
    params = models.JSONField(default=dict)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bulk action")
        verbose_name_plural = _("bulk actions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(done__lte=models.F("total")), name="bulk_job_done_within_total")
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.done}/{self.total})"


class BulkJobItem(models.Model):
    """The result of a bulk action for one task: changed, unchanged (already so) or refused, why."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        CHANGED = "changed", _("Changed")
        UNCHANGED = "unchanged", _("Unchanged")
        REFUSED = "refused", _("Refused")

    job = models.ForeignKey(BulkJob, on_delete=models.CASCADE, related_name="items")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    message = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["task_id"]
        constraints = [models.UniqueConstraint("job", "task", name="bulk_job_item_once_per_task")]

    def __str__(self) -> str:
        return f"#{self.task_id}: {self.outcome}"
