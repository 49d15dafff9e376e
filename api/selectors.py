"""Reads of the api app."""

from __future__ import annotations

from django.db.models import QuerySet

from api.models import ApiToken
from api.services import key_digest


def token_list() -> QuerySet[ApiToken]:
    """The token page's list: active tokens first, newest first."""
    return ApiToken.objects.select_related("owner", "revoked_by").order_by("revoked_at", "-created_at", "-pk")


def active_token_for_key(key: str) -> ApiToken | None:
    """The active token whose key this is, with its owner; None for an unknown or revoked key."""
    if not key:
        return None
    return ApiToken.objects.select_related("owner").filter(digest=key_digest(key), revoked_at__isnull=True).first()
