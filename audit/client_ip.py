"""The one answer to "which address is this request from" (settings.TRUSTED_PROXY_COUNT)."""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    # django-axes resolves it through django-ipware with the AXES_IPWARE_* settings, so the
    # login lockouts, the rate limits (RATELIMIT_IP_META_KEY) and the security log agree.
    return get_client_ip_address(request)
