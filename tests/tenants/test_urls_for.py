"""Links in e-mails: the contractant's own domain, settings.SITE_SCHEME and SITE_PORT, never the request."""

from __future__ import annotations

from django.test import override_settings

from tenants.urls_for import contractant_base_url, contractant_url
from tests.conftest import SUPPLIER


@override_settings(SITE_SCHEME="https", SECURE_SSL_REDIRECT=False, SITE_PORT=443)
def test_the_scheme_is_the_setting_not_whether_the_site_redirects_to_https(supplier):
    """Behind a TLS proxy that redirects itself, SECURE_SSL_REDIRECT is off and links stay https."""
    assert contractant_base_url(supplier) == f"https://{SUPPLIER.host}"


@override_settings(SITE_SCHEME="http", SECURE_SSL_REDIRECT=True, SITE_PORT=8000)
def test_a_named_url_on_the_contractants_host(supplier):
    assert contractant_url(supplier, "portal:home") == f"http://{SUPPLIER.host}:8000/portal/"
    assert contractant_url(supplier, "portal:invitation", token="abc") == (
        f"http://{SUPPLIER.host}:8000/portal/invitations/abc/"
    )
