"""The one answer to "which address is this request from" (settings.TRUSTED_PROXY_COUNT).

`client_ip` is the full address: the security log records it, and django-ratelimit reads it
(RATELIMIT_IP_META_KEY). What is *counted* is `client_network`: an IPv6 client is one /64
(settings.RATELIMIT_IPV6_MASK), the block one subscriber gets, so an attacker cannot walk around
a limit by taking the next of its 2**64 addresses. django-axes counts it too
(AXES_CLIENT_IP_CALLABLE); the portal's throttles count `address_network` of the address their
service is given. django-ratelimit masks its own key="ip" with the same setting.
"""

from __future__ import annotations

import ipaddress

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


def address_network(address: str | None) -> str | None:
    """The address as limits count it: IPv4 as it is, IPv6 as its network address under
    settings.RATELIMIT_IPV6_MASK (64: `2001:db8:1:2::`). None and non-addresses stay None."""
    if not address:
        return None
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return None
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is one IPv4 client, not a /64
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/{settings.RATELIMIT_IPV6_MASK}", strict=False).network_address)


def client_network(request: HttpRequest) -> str | None:
    """The client address as limits count it (django-axes' AXES_CLIENT_IP_CALLABLE): see the module."""
    return address_network(client_ip(request))
