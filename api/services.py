"""Writes of the api app: API tokens (create, revoke, mark used) and the security-log entry
every write through the API leaves. The API's writes themselves are the domain services the
pages call; `api_write` wraps one so the change and its log entry commit together."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from api.models import ApiToken
from audit.models import SecurityEvent
from audit.services import record_security_event

T = TypeVar("T")
# The key's readable start, kept on the row and shown in the token list.
PREFIX_LENGTH = 8
# A token used again within this interval keeps its "last used" (one write per minute at most).
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    # The key in full: shown once, never stored.
    key: str


def token_create(*, actor, name: str, scope: str) -> CreatedToken:
    """A new token owned by `actor` (a staff administrator); the key is returned, not stored."""
    name = (name or "").strip()
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken(name=name, scope=scope, prefix=key[:PREFIX_LENGTH], digest=key_digest(key), owner=actor)
        token.full_clean()
        token.save()
        record_security_event(
            kind=SecurityEvent.Kind.API_TOKEN_CREATED,
            summary=gettext_noop("API token %(name)s (%(prefix)s…, %(scope)s) created."),
            summary_params={"name": token.name, "prefix": token.prefix, "scope": token.scope},
            actor=actor,
            object_label=token.name,
        )
    return CreatedToken(token=token, key=key)


def token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Revoke a token: from now on its key is refused (401). Revoking twice is refused."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            raise ValidationError(_("This token has already been revoked."))
        token.revoked_at, token.revoked_by = timezone.now(), actor
        token.save(update_fields=["revoked_at", "revoked_by"])
        record_security_event(
            kind=SecurityEvent.Kind.API_TOKEN_REVOKED,
            summary=gettext_noop("API token %(name)s (%(prefix)s…) revoked."),
            summary_params={"name": token.name, "prefix": token.prefix},
            actor=actor,
            object_label=token.name,
        )
    return token


def token_mark_used(*, token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def api_write(*, actor, token: ApiToken | None, action: str, write: Callable[[], T], label: Callable[[T], str]) -> T:
    """Run a domain service's write and record it in the security log, in one transaction: the
    history rows the service writes carry `actor` (the token's owner), the log entry names the
    token too. `action` is a short English phrase (marked with gettext_noop by the caller)."""
    with transaction.atomic():
        result = write()
        # In the site language, as record_security_event writes the rest of the summary.
        with translation.override(settings.LANGUAGE_CODE):
            action_text = _(action)
            via = f"{token.name} {token.prefix}…" if token is not None else _("staff session")
        record_security_event(
            kind=SecurityEvent.Kind.API_WRITE,
            summary=gettext_noop("Through the API (token %(token)s): %(action)s %(object)s"),
            summary_params={
                "token": via,
                "action": action_text,
                "object": label(result),
            },
            actor=actor,
            object_label=label(result),
        )
    return result
