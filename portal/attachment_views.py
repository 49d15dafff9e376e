"""Downloads of a task's files in the portal: only the public ones of a task the user may open."""

from __future__ import annotations

from django.views.decorators.http import require_safe

from portal.access import (
    get_attachment_for_portal_user,
    get_membership_for_portal_user,
    get_task_for_portal_user,
    portal_required,
    require_support_access,
)
from tasks.attachment_views import attachment_response


@require_safe
@portal_required
def task_attachment(request, org, task, code):
    membership = get_membership_for_portal_user(request, org)
    require_support_access(membership)
    task = get_task_for_portal_user(request, membership, task)
    attachment = get_attachment_for_portal_user(request, task, code)
    return attachment_response(request, attachment)
