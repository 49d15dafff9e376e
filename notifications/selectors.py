"""Reads of notifications: a staff member's list, the bell's capped count, who is e-mailed."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from notifications.kinds import KIND_TEXTS, Kind
from notifications.models import Notification, NotificationPreference
from staff.teams import active_staff

# The bell shows "99+" beyond this: counting stops here, so the count never grows with the data.
BELL_CAP = 99


def notifications_for(*, user) -> QuerySet[Notification]:
    """The user's own notifications, newest first (notif_recipient_newest)."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def unread_count(*, user) -> int:
    """Unread notifications, counted up to BELL_CAP + 1 (one small query: COUNT over LIMIT 100)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True)[: BELL_CAP + 1].count()


def email_choices(*, user) -> dict[str, bool]:
    """For every kind, whether the user gets it by e-mail too (their choice, else the default)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email"))
    return {kind: chosen.get(kind, KIND_TEXTS[kind].email_by_default) for kind in Kind.values}


def email_wanted(*, user_ids: Iterable[int], kind: str) -> set[int]:
    """Which of these users get `kind` by e-mail: one query for all of them."""
    ids = set(user_ids)
    chosen = dict(NotificationPreference.objects.filter(user_id__in=ids, kind=kind).values_list("user_id", "email"))
    default = KIND_TEXTS[kind].email_by_default
    return {pk for pk in ids if chosen.get(pk, default)}


def staff_administrators():
    """The staff administrators (superusers), who hear of what waits for the whole desk."""
    return active_staff().filter(is_superuser=True)
