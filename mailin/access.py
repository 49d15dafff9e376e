from __future__ import annotations

from django.shortcuts import get_object_or_404

from mailin.models import InboundMail


def get_queued_mail_for_staff(request, pk: int) -> InboundMail:
    """A mail still waiting in the unknown-sender queue; one dealt with, or none, is a 404."""
    return get_object_or_404(InboundMail, pk=pk, triage=InboundMail.Triage.PENDING)
