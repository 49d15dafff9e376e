"""What a notification can be about: its label on the preference page, the sentence the bell's
page shows (rendered in the reader's language from the parameters stored with it), and whether
it is e-mailed until the staff member chooses otherwise."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ASSIGNED = "assigned", _("A task assigned to me by someone else")
    CUSTOMER_REPLY = "customer_reply", _("A customer's reply on my task (or on an unassigned task)")
    MENTION = "mention", _("A mention of me (@name) in an internal note")
    REQUEST_WAITING = "request_waiting", _("A portal request waiting for staff")
    SLA_WARNING = "sla_warning", _("An SLA breach on my task (or on an unassigned task, for administrators)")
    WEBHOOK_PAUSED = "webhook_paused", _("A webhook endpoint paused after repeated failures (administrators)")


@dataclass(frozen=True)
class KindText:
    # The sentence, with %(name)s parameters from Notification.params.
    sentence: str | Promise
    email_by_default: bool
    # The sentence when nobody did it (params without "actor": the system, a handover).
    without_actor: str | Promise | None = None


KIND_TEXTS: dict[str, KindText] = {
    Kind.ASSIGNED: KindText(
        _("%(actor)s assigned task #%(number)s to you: %(subject)s"),
        True,
        without_actor=_("Task #%(number)s is assigned to you: %(subject)s"),
    ),
    Kind.CUSTOMER_REPLY: KindText(_("%(author)s replied to task #%(number)s: %(subject)s"), True),
    Kind.MENTION: KindText(_("%(actor)s mentioned you in an internal note on task #%(number)s: %(subject)s"), True),
    Kind.REQUEST_WAITING: KindText(
        _("%(member)s asked to join %(relation)s, which has no portal administrator: waiting for staff."), False
    ),
    Kind.SLA_WARNING: KindText(_("The SLA of task #%(number)s is breached: %(subject)s"), False),
    Kind.WEBHOOK_PAUSED: KindText(
        _("The webhook endpoint %(url)s is paused after %(failures)s failed deliveries in a row."), True
    ),
}


def sentence(kind: str, params: dict) -> str:
    """The notification's sentence in the active language. Parameters that no longer fit the
    sentence (a kind changed since) give the kind's label rather than an error on the page."""
    text = KIND_TEXTS.get(kind)
    if text is None:
        return str(_("Notification"))
    chosen = text.without_actor if text.without_actor is not None and not params.get("actor") else text.sentence
    try:
        return str(chosen) % params
    except (KeyError, TypeError, ValueError):
        return str(Kind(kind).label)
