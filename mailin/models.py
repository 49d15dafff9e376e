from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def raw_mail_path(mail: InboundMail, filename: str) -> str:
    """Per contractant, like task attachments; the stored name is random."""
    from django.db import connection

    return f"{connection.schema_name}/mailin/{mail.code}.eml"


class InboundMail(models.Model):
    """One e-mail that arrived for this contractant, whatever became of it.

    The ledger that makes a second delivery of the same Message-ID add nothing (the unique
    key, so two deliveries at once cannot both pass), and the queue of mail from unknown
    senders that staff turn into a task or discard (`triage`). Only a queued mail keeps its
    raw message (`raw`), for the attachments of the task staff may make of it.
    """

    class Outcome(models.TextChoices):
        REPLY = "reply", _("Reply on a task")
        HELD = "held", _("Held for review on a task")
        NEW_TASK = "new_task", _("New task")
        UNKNOWN_SENDER = "unknown_sender", _("Unknown sender")

    class Triage(models.TextChoices):
        NONE = "", _("Not queued")
        PENDING = "pending", _("Waiting")
        TASK_CREATED = "task_created", _("Task created")
        DISCARDED = "discarded", _("Discarded")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The Message-ID header, or a stand-in made from the message's bytes when it has none.
    message_id = models.CharField(max_length=998)
    recipient = models.CharField(_("to"), max_length=254)
    sender = models.CharField(_("from"), max_length=254)
    sender_name = models.CharField(_("sender's name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    # While queued: the text as it would become a message (quoted history and signature
    # stripped), and the name and size of each file it came with (the files stay in `raw`).
    body = models.TextField(_("text"), blank=True)
    files = models.JSONField(default=list, blank=True)
    size = models.PositiveIntegerField(_("size"))
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    task = models.ForeignKey(
        "tasks.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("task")
    )
    raw = models.FileField(upload_to=raw_mail_path, max_length=300, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    triage = models.CharField(max_length=20, choices=Triage.choices, default=Triage.NONE, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("received e-mail")
        verbose_name_plural = _("received e-mails")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["message_id"], name="inbound_mail_once"),
            models.CheckConstraint(
                condition=models.Q(outcome="unknown_sender", triage__in=["pending", "task_created", "discarded"])
                | (~models.Q(outcome="unknown_sender") & models.Q(triage="")),
                name="inbound_mail_only_unknown_senders_queue",
            ),
        ]
        indexes = [
            # The staff queue, newest first.
            models.Index(fields=["triage", "-received_at"], name="inbound_mail_queue"),
            # The loop guard counts one sender's recent mail (mailin.services).
            models.Index(fields=["sender", "received_at"], name="inbound_mail_sender_time"),
        ]

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient}: {self.subject}"
