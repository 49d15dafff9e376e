"""Privacy pages are for staff administrators only: other staff get 403, visitors the login page."""

from __future__ import annotations

import pytest

from audit.models import SecurityEvent
from tests.conftest import SUPPLIER, client_for
from tests.privacy.conftest import portal_client


def urls(contact) -> list[str]:
    return [
        f"/privacy/contacts/{contact.pk}/",
        f"/privacy/contacts/{contact.pk}/export/",
        f"/privacy/contacts/{contact.pk}/erase/",
        "/privacy/settings/",
    ]


def test_plain_staff_get_403_and_change_nothing(plain_staff_client, world):
    for url in urls(world.eva):
        assert plain_staff_client.get(url).status_code == 403, url
        assert plain_staff_client.post(url, {"confirm": "on", "retention_years": "1"}).status_code == 403, url
    world.eva.refresh_from_db()
    assert world.eva.email == "eva@privacy.test"
    assert not SecurityEvent.objects.filter(kind__startswith="privacy").exists()


def test_plain_staff_see_no_privacy_link_or_menu(plain_staff_client, world):
    html = plain_staff_client.get(f"/contacts/{world.eva.pk}/").content.decode()

    assert "/privacy/" not in html


def test_administrators_see_the_privacy_settings_in_the_menu(admin_client):
    assert "/privacy/settings/" in admin_client.get("/").content.decode()


def test_visitors_go_to_the_login_page(in_supplier, world):
    client = client_for(SUPPLIER)
    for url in urls(world.eva):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


@pytest.mark.parametrize("index", range(4))
def test_portal_users_are_refused(world, index):
    client = portal_client(world.eva)

    response = client.get(urls(world.eva)[index])

    assert response.status_code in {302, 403}
    if response.status_code == 302:
        assert "/login/" in response["Location"]
