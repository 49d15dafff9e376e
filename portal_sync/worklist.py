"""What the Client Online sync adds to the staff work list: records it could not push."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal_sync.models import SyncFailure
from staff.worklist import WorkContext, WorkItem


def sync_failure_work(context: WorkContext) -> list[WorkItem]:
    count = SyncFailure.objects.filter(resolved_at__isnull=True).count()
    return [WorkItem(_("Client Online failures"), count, reverse("portal_sync:status"), tone="bad", order=70)]
