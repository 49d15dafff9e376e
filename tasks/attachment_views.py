"""Downloads of task attachments: the only way a stored file leaves the server.

The staff view is here; the portal's (portal.attachment_views) checks the customer's access and
answers with the same response, attachment_response().
"""

from __future__ import annotations

import logging

from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from staff.access import staff_required
from tasks.access import get_attachment_for_staff, get_task_for_staff
from tasks.attachments import INLINE_TYPES, SERVED_TYPES
from tasks.models import TaskAttachment

logger = logging.getLogger(__name__)

# A downloaded file is never a page of ours: no scripts, no plugins, no requests of its own, even
# if a browser were to render it. Set here, django-csp's middleware leaves it as it is.
ATTACHMENT_CSP = "default-src 'none'; sandbox"


def attachment_response(request, attachment: TaskAttachment) -> FileResponse:
    """The file, streamed: as a download, or (`?inline=1`, raster images only) to show in the
    page. Always nosniff and a sandboxing CSP, so the browser never runs it as a page."""
    inline = request.GET.get("inline") == "1" and attachment.content_type in INLINE_TYPES
    # Only types the content check gives; a row from before it is sent as plain bytes.
    content_type = attachment.content_type if attachment.content_type in SERVED_TYPES else "application/octet-stream"
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        logger.warning("attachment %s: file %s missing from storage", attachment.code, attachment.file.name)
        raise Http404 from None
    # Django writes filename="…" for a plain ASCII name and RFC 5987 filename*=utf-8''… otherwise.
    response = FileResponse(handle, as_attachment=not inline, filename=attachment.name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = ATTACHMENT_CSP
    # The file behind a code never changes; only this browser may keep it, for the thumbnails.
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_safe
@staff_required
def task_attachment(request, pk: int, code):
    task = get_task_for_staff(request, pk)
    attachment = get_attachment_for_staff(request, task, code)
    return attachment_response(request, attachment)
