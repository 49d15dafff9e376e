"""What the portal adds to the staff work list: organisation claims waiting for staff."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.selectors import pending_organisation_claims
from staff.worklist import WorkContext, WorkItem


def claim_work(context: WorkContext) -> list[WorkItem]:
    count = pending_organisation_claims().count()
    return [WorkItem(_("Organisation claims waiting"), count, reverse("portal_staff:claims"), tone="warn", order=50)]
