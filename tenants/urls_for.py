"""Absolute addresses of a contractant's own host, for links in e-mails.

A link in an e-mail is never built from the request's Host header (an attacker chooses that
header) and works from a Celery worker, which has no request at all.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from tenants.models import Contractant, Domain

DEFAULT_PORTS = {80, 443}


def primary_domain(contractant: Contractant) -> str:
    """The contractant's primary host name: the host of its links and the domain of its e-mail
    addresses (tasks.reply_address)."""
    domain = (
        Domain.objects.filter(tenant=contractant).order_by("-is_primary", "pk").values_list("domain", flat=True).first()
    )
    if domain is None:
        raise ImproperlyConfigured(f"Contractant {contractant.schema_name!r} has no domain.")
    return domain


def contractant_base_url(contractant: Contractant) -> str:
    """settings.SITE_SCHEME, the contractant's primary domain and settings.SITE_PORT, without a
    trailing slash: `https://jansen.example.nl` in production, `http://jansen.localhost:8000` in
    development. The port is left out when it is 80 or 443."""
    domain = primary_domain(contractant)
    scheme = settings.SITE_SCHEME
    port = settings.SITE_PORT
    return f"{scheme}://{domain}" if port in DEFAULT_PORTS else f"{scheme}://{domain}:{port}"


def contractant_url(contractant: Contractant, name: str, **kwargs) -> str:
    """The absolute address of the URL named `name` (with `kwargs`) on the contractant's host."""
    return contractant_base_url(contractant) + reverse(name, kwargs=kwargs or None)
