"""What e-mail in adds to the staff work list: mail from unknown senders waiting for triage."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mailin.selectors import unknown_sender_queue
from staff.worklist import WorkContext, WorkItem


def unknown_sender_work(context: WorkContext) -> list[WorkItem]:
    count = unknown_sender_queue().count()
    return [WorkItem(_("E-mails from unknown senders"), count, reverse("mailin:queue"), tone="warn", order=60)]
