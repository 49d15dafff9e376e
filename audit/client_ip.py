"""The one answer to "which address is this request from" (settings.TRUSTED_PROXY_COUNT).

Used by django-axes (AXES_CLIENT_IP_CALLABLE), the rate limits (RATELIMIT_IP_META_KEY) and the
security log, so a lockout, a throttle and a log line always name the same address.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR; behind N trusted proxies, the address the outermost of them saw.

    Each proxy appends the address it received the request from to X-Forwarded-For, so the
    last N entries were written by our own proxies and the N-th from the right is the client.
    Whatever stands further left came from the client and may be forged (the same rule as
    Werkzeug's ProxyFix x_for=N). A header shorter than N means the request bypassed a proxy:
    then the direct peer is the only address we know.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        validate_ipv46_address(candidate)
    except ValidationError:
        return remote
    return candidate
