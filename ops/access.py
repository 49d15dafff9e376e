"""Who may read /metrics: a scraper with the bearer token METRICS_TOKEN; outside production also
a client on this machine. Everyone else gets the same 404 as a page that does not exist."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpRequest

from audit.client_ip import client_ip


def _bearer(request: HttpRequest) -> str:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _from_loopback(request: HttpRequest) -> bool:
    address = client_ip(request)
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def require_metrics_reader(request: HttpRequest) -> None:
    token = settings.METRICS_TOKEN
    supplied = _bearer(request)
    if token and supplied and hmac.compare_digest(supplied.encode(), token.encode()):
        return
    if settings.METRICS_ALLOW_LOOPBACK and _from_loopback(request):
        return
    raise Http404
