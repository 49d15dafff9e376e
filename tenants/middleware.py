"""Host routing: the public host serves the platform admin, every other host one contractant."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django_tenants.middleware.main import TenantMainMiddleware

from tenants.models import Domain


class ContractantMiddleware(TenantMainMiddleware):
    """TenantMainMiddleware, plus: the public host needs no tenant row, unknown hosts get a
    clear 404 page, and an inactive contractant answers 503 'not available' (data kept)."""

    def process_request(self, request):
        connection.set_schema_to_public()
        hostname = self.hostname_from_request(request)
        if hostname in settings.PUBLIC_HOSTS:
            request.tenant = connection.tenant
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            return None
        domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
        if domain is None:
            return render(request, "tenants/unknown_host.html", {"hostname": hostname}, status=404)
        tenant = domain.tenant
        if not tenant.is_active:
            return render(request, "tenants/not_available.html", {"contractant": tenant}, status=503)
        tenant.domain_url = hostname
        request.tenant = tenant
        connection.set_tenant(tenant)
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
