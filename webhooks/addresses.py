"""Where a webhook may point: https (plain http only where a setting allows it) and, unless a
setting allows it, never a private, loopback or link-local address (no requests from our
network to our own services)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolved_addresses(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise ValidationError(_("The host name %(host)s could not be found.") % {"host": host}) from error
    return sorted({str(info[4][0]) for info in infos})


def check_url(url: str) -> None:
    """Raise ValidationError with a sentence staff can act on; the form and the sender both
    call it (the sender again at every attempt: a name can be re-pointed after it was saved)."""
    parts = urlsplit(url)
    allowed = {"https", "http"} if settings.WEBHOOKS_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed:
        raise ValidationError(_("Use an https:// address; plain http is not allowed here."), code="scheme")
    if not parts.hostname:
        raise ValidationError(_("Enter a complete address with a host name."), code="host")
    if parts.username or parts.password:
        raise ValidationError(_("Leave user names and passwords out of the address."), code="credentials")
    if settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise ValidationError(_("The port in this address is not a number we can use."), code="port") from error
    addresses = resolved_addresses(parts.hostname, port)
    if not addresses or not all(_is_public(address) for address in addresses):
        raise ValidationError(
            _(
                "%(host)s points to a private, loopback or otherwise internal address; webhooks only go to "
                "public addresses."
            )
            % {"host": parts.hostname},
            code="private",
        )
