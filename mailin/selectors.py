"""Reads the staff pages of e-mail in share."""

from __future__ import annotations

from django.db.models import QuerySet

from mailin.models import InboundMail


def unknown_sender_queue() -> QuerySet[InboundMail]:
    """Mail from senders who are no contact, waiting for staff to make a task of it or discard
    it; newest first (the inbound_mail_queue index)."""
    return (
        InboundMail.objects.filter(triage=InboundMail.Triage.PENDING)
        .only("pk", "sender", "sender_name", "subject", "body", "files", "received_at")
        .order_by("-received_at", "-pk")
    )
