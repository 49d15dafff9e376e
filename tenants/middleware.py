"""Host routing: the public host serves the platform admin, every other host one contractant."""

from __future__ import annotations

import copy
from threading import Lock
from typing import TYPE_CHECKING, cast

from cachetools import TTLCache, cached
from django.conf import settings
from django.db import connection, transaction
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django_tenants.middleware.main import TenantMainMiddleware

from tenants.models import Contractant, Domain

if TYPE_CHECKING:
    from config.postgresql.base import DatabaseWrapper as TenantDatabaseWrapper


# Every request looks its host up (about 0.8 ms against PostgreSQL): kept in this process for a
# few seconds. Saving or deleting a contractant or domain empties this process's copy at once;
# other processes see the change within TENANT_HOST_CACHE_SECONDS (docs/decisions.md).
@cached(TTLCache(maxsize=4096, ttl=settings.TENANT_HOST_CACHE_SECONDS), lock=Lock())
def contractant_for_host(hostname: str) -> Contractant | None:
    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    return domain.tenant if domain is not None else None


def forget_hosts(**_kwargs) -> None:
    """Connected to the saves and deletes of contractants and domains (tenants/apps.py)."""
    contractant_for_host.cache_clear()
    # Again after commit: a request served between the save and the commit read the old row.
    transaction.on_commit(contractant_for_host.cache_clear)


class ContractantMiddleware(TenantMainMiddleware):
    """TenantMainMiddleware, plus: the public host needs no tenant row, unknown hosts get a
    clear 404 page, and an inactive contractant answers 503 'not available' (data kept)."""

    def process_request(self, request):
        cast("TenantDatabaseWrapper", connection).set_schema_to_public()
        hostname = self.hostname_from_request(request)
        if hostname in settings.PUBLIC_HOSTS:
            request.tenant = cast("TenantDatabaseWrapper", connection).tenant
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            return None
        cached_tenant = contractant_for_host(hostname)
        if cached_tenant is None:
            return render(request, "tenants/unknown_host.html", {"hostname": hostname}, status=404)
        # A copy per request: the connection keeps the instance and domain_url is set on it.
        tenant = copy.copy(cached_tenant)
        if not tenant.is_active:
            return render(request, "tenants/not_available.html", {"contractant": tenant}, status=503)
        tenant.domain_url = hostname
        request.tenant = tenant
        cast("TenantDatabaseWrapper", connection).set_tenant(tenant)
        self.setup_url_routing(request)
        return None


class DutchFirstLocaleMiddleware:
    """Dutch unless the user picked another language with the switch (language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; our users are
    Dutch and expect Dutch even on an English browser (DESIGN.md, Runtime).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response
