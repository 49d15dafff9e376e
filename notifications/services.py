"""Writes of notifications: the one way to create them (notify), reading them, the e-mail
preference, and the e-mail that goes with one (sent by the worker, once)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, cast

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.kinds import Kind
from notifications.models import Notification, NotificationPreference
from notifications.selectors import email_wanted
from staff.mail import templated_mail
from tenants.models import current_contractant
from tenants.urls_for import contractant_base_url

if TYPE_CHECKING:
    from config.postgresql.base import DatabaseWrapper as TenantDatabaseWrapper

PARAM_MAX = 300


def _schema() -> str:
    return cast("TenantDatabaseWrapper", connection).schema_name


def _clean_params(params: Mapping[str, object]) -> dict[str, str | int]:
    # Plain values only, each short: a sentence parameter, never a document.
    return {
        str(name): value if isinstance(value, int) else " ".join(str(value).split())[:PARAM_MAX]
        for name, value in params.items()
    }


def notify(
    *,
    recipients: Iterable,
    kind: str,
    params: Mapping[str, object],
    url: str,
    actor=None,
    key: str = "",
    email: bool = True,
) -> list[Notification]:
    """Tell each recipient (active staff, each once, never the actor) of one thing.

    `params` fill the kind's sentence (notifications.kinds) when it is shown, in the reader's
    language; `url` is the path it is about. With a `key` (what is reported: "message:40"), a
    recipient who already has a notification with that key gets no second one: safe to run
    again from a retried job. `email`: also e-mail those whose preference asks for it, by the
    worker after commit; False where the caller sends its own e-mail (tasks.notifications).
    """
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not url.startswith("/"):
        raise ValueError("a notification's url is a path on this host")
    actor_pk = getattr(actor, "pk", None)
    people = {
        user.pk: user
        for user in recipients
        if user is not None and user.pk != actor_pk and user.is_active and user.is_staff
    }
    if not people:
        return []
    values = {"kind": kind, "params": _clean_params(params), "url": url[:500], "actor_id": actor_pk, "key": key}
    with transaction.atomic():
        if key:
            known = set(
                Notification.objects.filter(key=key, recipient_id__in=people).values_list("recipient_id", flat=True)
            )
            created = []
            for pk in people:
                if pk in known:
                    continue
                notification, made = Notification.objects.get_or_create(recipient_id=pk, key=key, defaults=values)
                if made:
                    created.append(notification)
        else:
            created = Notification.objects.bulk_create(Notification(recipient_id=pk, **values) for pk in people)
        if email and created:
            wanted = email_wanted(user_ids=[n.recipient_id for n in created], kind=kind)
            ids = [n.pk for n in created if n.recipient_id in wanted]
            if ids:
                schema_name = _schema()
                transaction.on_commit(lambda: _queue_emails(schema_name, ids), robust=True)
    return created


def _queue_emails(schema_name: str, ids: list[int]) -> None:
    from notifications.tasks import send_notification_email_task

    for pk in ids:
        send_notification_email_task.delay(schema_name, pk)


def send_notification_email(*, notification_id: int) -> bool:
    """E-mail one notification to its recipient, once: the row is locked and marked e-mailed in
    the transaction that sends, so a second run finds it done and a failed send marks nothing
    (the retry sends it then). False when there was nothing (more) to send."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        recipient = notification.recipient
        address = recipient.email.strip()
        if not address or not recipient.is_active:
            return False
        contractant = current_contractant()
        context = {
            "notification": notification,
            "text": notification.text,
            "user": recipient,
            "contractant_name": contractant.name,
            "url": contractant_base_url(contractant) + notification.url,
            "preferences_url": contractant_base_url(contractant) + "/notifications/preferences/",
        }
        mail = templated_mail("notifications/email/notification", context, address)
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
        mail.send()
    return True


def mark_read(*, notification: Notification, actor) -> Notification:
    """The actor's own notification, read (again: nothing changes)."""
    if notification.recipient_id != actor.pk:
        raise ValidationError(_("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def mark_all_read(*, actor) -> int:
    """Every unread notification of the actor, read; how many that were."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


def set_email_preferences(*, actor, email_kinds: Iterable[str]) -> None:
    """The actor's choice for every kind: e-mailed for `email_kinds`, in the app only for the rest."""
    chosen = set(email_kinds)
    unknown = chosen - set(Kind.values)
    if unknown:
        raise ValidationError(_("Unknown kind of notification."))
    with transaction.atomic():
        for kind in Kind.values:
            NotificationPreference.objects.update_or_create(user=actor, kind=kind, defaults={"email": kind in chosen})
