"""The one access helper for notifications: only the recipient ever reaches one."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from notifications.models import Notification


def get_notification_for_recipient(request, pk: int) -> Notification:
    """The logged-in user's own notification; anyone else's, or none, is the same 404."""
    return get_object_or_404(Notification, pk=pk, recipient=request.user)
