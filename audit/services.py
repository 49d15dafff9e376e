"""Writes on the security log. `record_security_event` is the only way in; there is no update or delete.

Summaries are written in the site language (settings.LANGUAGE_CODE), whatever language the
person or job that caused the event uses, so the log reads as one text and searches alike.
Callers pass the message marked with `gettext_noop` and its parameters separately.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from django_tenants.utils import get_public_schema_name

from audit.client_ip import client_ip
from audit.models import SecurityEvent

if TYPE_CHECKING:
    from config.postgresql.base import DatabaseWrapper as TenantDatabaseWrapper

LABEL_LENGTH = SecurityEvent._meta.get_field("actor_label").max_length
SUMMARY_LENGTH = SecurityEvent._meta.get_field("summary").max_length
OBJECT_LABEL_LENGTH = SecurityEvent._meta.get_field("object_label").max_length
PORTAL_PREFIX = "/portal/"


def _label(value, max_length: int | None) -> str:
    # Stored text must fit its column and hold no NUL byte (PostgreSQL refuses one in text).
    return (value or "").replace("\x00", "").strip()[:max_length]


def _clean_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        validate_ipv46_address(value)
    except ValidationError:
        return None
    return value


def _current_request_ip() -> str | None:
    """The address of the web request this event is part of, if any. Services (relink,
    membership decisions, out of service) get no request; simple_history's middleware keeps
    the current one for the same purpose (who changed what), so the log reads it there. A
    Celery task or a management command has none: no address."""
    from simple_history.models import HistoricalRecords

    return _client_ip(getattr(HistoricalRecords.context, "request", None))


def record_security_event(
    *,
    kind: str,
    summary: str,
    summary_params: dict | None = None,
    actor=None,
    actor_label: str = "",
    ip_address: str | None = None,
    object_label: str = "",
    object_url: str = "",
) -> SecurityEvent | None:
    """Append one event to the current contractant's security log, in the caller's transaction.

    Without an ip_address, the address of the current web request is recorded (if any). On the
    public schema (the platform admin) there is no security log: nothing is recorded.
    """
    if cast("TenantDatabaseWrapper", connection).schema_name == get_public_schema_name():
        return None
    if kind not in SecurityEvent.Kind.values:
        raise ValueError(f"Unknown security event kind {kind!r}")
    if actor is not None and not getattr(actor, "pk", None):
        actor = None  # AnonymousUser or an unsaved user: nothing to point at
    if not actor_label and actor is not None:
        actor_label = actor.get_username()
    with translation.override(settings.LANGUAGE_CODE):
        text = gettext(summary) % summary_params if summary_params is not None else gettext(summary)
    return SecurityEvent.objects.create(
        kind=kind,
        actor=actor,
        actor_label=_label(actor_label, LABEL_LENGTH),
        ip_address=_clean_ip(ip_address or _current_request_ip()),
        summary=_label(text, SUMMARY_LENGTH),
        object_label=_label(object_label, OBJECT_LABEL_LENGTH),
        object_url=object_url[:200],
    )


# --- Logins: the signal receivers in audit.signals call these and nothing else ------------------


def _client_ip(request) -> str | None:
    if request is None:
        return None
    # The same address django-axes throttles on.
    return client_ip(request)


def _is_portal(request) -> bool:
    return request is not None and request.path.startswith(PORTAL_PREFIX)


def record_login(*, request, user) -> SecurityEvent | None:
    portal = _is_portal(request)
    # A login through the second step carries the django-otp device that verified it (mfa.services).
    if getattr(user, "otp_device", None) is not None:
        summary = (
            gettext_noop("Logged in to the portal with 2FA.")
            if portal
            else gettext_noop("Logged in to the staff back office with 2FA.")
        )
    else:
        summary = (
            gettext_noop("Logged in to the portal.") if portal else gettext_noop("Logged in to the staff back office.")
        )
    return record_security_event(
        kind=SecurityEvent.Kind.PORTAL_LOGIN if portal else SecurityEvent.Kind.STAFF_LOGIN,
        summary=summary,
        actor=user,
        ip_address=_client_ip(request),
    )


def record_login_failed(*, request, username: str | None) -> SecurityEvent | None:
    """A wrong password, an unknown or inactive account: the name as typed, no actor."""
    portal = _is_portal(request)
    return record_security_event(
        kind=SecurityEvent.Kind.PORTAL_LOGIN_FAILED if portal else SecurityEvent.Kind.STAFF_LOGIN_FAILED,
        summary=gettext_noop("Portal login failed.") if portal else gettext_noop("Staff login failed."),
        actor_label=username or "",
        ip_address=_client_ip(request),
    )


def record_lockout(*, request, username: str | None, ip_address: str | None) -> SecurityEvent | None:
    # axes' ip_address is what it counts (an IPv6 client's /64, audit.client_ip.client_network);
    # the log keeps the full address of the request.
    return record_security_event(
        kind=SecurityEvent.Kind.LOCKED_OUT,
        summary=gettext_noop("Login refused: too many failed attempts for this name from this address."),
        actor_label=username or "",
        ip_address=_client_ip(request) or ip_address,
    )
