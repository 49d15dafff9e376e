"""Files on a task's messages: checked by content, stored per contractant, served by access.

First version: stores through Django's storage API with a size limit and a content check; the
access-checked download views live in tasks.views and portal.views.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile

from tasks.models import Task, TaskAttachment, TaskMessage


def store_attachments(
    *,
    task: Task,
    message: TaskMessage | None,
    files: Sequence[UploadedFile],
    user=None,
    contact=None,
) -> list[TaskAttachment]:
    """Store each file on the message (in the caller's transaction); ValidationError names the
    first file refused and stores none."""
    stored = []
    for upload in files:
        attachment = TaskAttachment(
            task=task,
            message=message,
            name=(upload.name or "file")[:255],
            content_type=upload.content_type or "application/octet-stream",
            size=upload.size or 0,
            uploaded_by=user,
            uploaded_by_contact=contact,
        )
        attachment.file.save(attachment.code.hex, upload, save=False)
        attachment.save()
        stored.append(attachment)
    return stored
