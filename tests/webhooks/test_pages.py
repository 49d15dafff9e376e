"""The staff administrators' webhook pages: register an endpoint (the secret shown once), clear
errors for addresses we will not call, the delivery log at a fixed number of queries, and
nothing of another contractant's webhooks reachable."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.utils import translation

from outbox.services import event_record
from tests.conftest import SUPPLIER, client_for, logged_in_staff
from webhooks.models import Delivery, Endpoint
from webhooks.services import endpoint_create


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def staff(supplier):
    client = logged_in_staff(SUPPLIER)
    client.cookies["django_language"] = "en"
    connection.set_tenant(supplier)
    return client


def test_an_administrator_registers_an_endpoint_and_sees_its_secret_once(staff):
    assert 'href="/webhooks/"' in staff.get("/").content.decode()

    response = staff.post(
        "/webhooks/new/",
        {
            "url": "https://hooks.example.test/in",
            "description": "Salarispakket",
            "events": ["task.created", "task.closed"],
        },
    )

    assert response.status_code == 200
    endpoint = Endpoint.objects.get()
    page = response.content.decode()
    assert endpoint.secret in page and "X-Webhook-Signature" in page
    assert endpoint.events == ["task.closed", "task.created"] and endpoint.description == "Salarispakket"
    detail = staff.get(f"/webhooks/{endpoint.pk}/").content.decode()
    assert endpoint.secret not in detail
    assert "X-Webhook-Timestamp" in detail and "hmac.compare_digest" in detail
    assert "https://hooks.example.test/in" in staff.get("/webhooks/").content.decode()


@pytest.mark.parametrize(
    ("url", "allow_http", "allow_private", "error"),
    [
        ("http://hooks.example.test/in", False, True, "Use an https:// address; plain http is not allowed here."),
        ("not a url at all", True, True, "Enter a valid URL."),
        ("https://127.0.0.1/in", True, False, "points to a private, loopback or otherwise internal address"),
        ("https://10.1.2.3:8443/in", True, False, "points to a private, loopback or otherwise internal address"),
        ("https://[::1]/in", True, False, "points to a private, loopback or otherwise internal address"),
        ("https://localhost/in", True, False, "points to a private, loopback or otherwise internal address"),
        ("https://user:pw@hooks.example.test/", True, True, "Leave user names and passwords out of the address."),
    ],
)
def test_an_address_we_will_not_call_gets_a_clear_error_and_keeps_the_input(
    staff, settings, url, allow_http, allow_private, error
):
    settings.WEBHOOKS_ALLOW_HTTP, settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = allow_http, allow_private

    response = staff.post("/webhooks/new/", {"url": url, "description": "Mijn koppeling", "events": ["task.created"]})

    page = response.content.decode()
    assert response.status_code == 200 and error in page
    assert 'value="Mijn koppeling"' in page
    assert re.search(r'<input type="checkbox" name="events" value="task.created"[^>]* checked', page)
    assert not Endpoint.objects.exists()


def test_an_endpoint_needs_at_least_one_event(staff):
    response = staff.post("/webhooks/new/", {"url": "https://hooks.example.test/in"})

    assert "Choose at least one event to send." in response.content.decode()
    assert not Endpoint.objects.exists()


def test_editing_refuses_a_private_address_too(staff, supplier_user, settings):
    endpoint, _secret = endpoint_create(
        actor=supplier_user, url="https://hooks.example.test/in", events=["task.created"]
    )
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False

    response = staff.post(
        f"/webhooks/{endpoint.pk}/edit/", {"url": "https://192.168.1.10/", "events": ["task.created"]}
    )

    assert "points to a private" in response.content.decode()
    endpoint.refresh_from_db()
    assert endpoint.url == "https://hooks.example.test/in"


def test_other_staff_may_not_see_the_webhook_pages(supplier_user, staff):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user(
        username="medewerker@s.test", email="medewerker@s.test", password="Pw-lang-genoeg-1", is_staff=True
    )
    client = client_for(SUPPLIER)
    assert client.post("/login/", {"username": "medewerker@s.test", "password": "Pw-lang-genoeg-1"}).status_code == 302
    connection.set_schema_to_public()

    assert client.get("/webhooks/").status_code == 403
    assert 'href="/webhooks/"' not in client.get("/").content.decode()


def test_another_contractants_endpoint_pages_answer_404(supplier_user, alpha):
    endpoint, _secret = endpoint_create(
        actor=supplier_user, url="https://hooks.example.test/in", events=["task.created"]
    )
    event = event_record(kind="task.created", payload={"task_id": 1})
    delivery = Delivery.objects.create(endpoint=endpoint, event=event)
    connection.set_tenant(alpha)
    from tests.conftest import ALPHA

    client = logged_in_staff(ALPHA)
    for url in [f"/webhooks/{endpoint.pk}/", f"/webhooks/{endpoint.pk}/edit/"]:
        assert client.get(url).status_code == 404
    for url in [
        f"/webhooks/{endpoint.pk}/resume/",
        f"/webhooks/{endpoint.pk}/delete/",
        f"/webhooks/deliveries/{delivery.pk}/redeliver/",
    ]:
        assert client.post(url).status_code == 404


def test_the_delivery_log_and_the_list_cost_a_fixed_number_of_queries(
    staff, supplier_user, django_assert_max_num_queries
):
    endpoint, _secret = endpoint_create(
        actor=supplier_user, url="https://hooks.example.test/in", events=["task.created"]
    )
    other, _secret = endpoint_create(actor=supplier_user, url="https://other.example.test/in", events=["task.closed"])
    for number in range(60):
        event = event_record(kind="task.created", payload={"task_id": number})
        Delivery.objects.create(
            endpoint=endpoint, event=event, status=Delivery.Status.FAILED, attempts=6, response_code=500, error="boom"
        )
        Delivery.objects.create(endpoint=other, event=event, status=Delivery.Status.SUCCEEDED, response_code=200)

    with django_assert_max_num_queries(10):
        page = staff.get(f"/webhooks/{endpoint.pk}/")
    assert page.status_code == 200
    assert page.content.decode().count("/redeliver/") == 50
    assert "The latest 50 of 60 deliveries." in page.content.decode()

    with django_assert_max_num_queries(6):
        listing = staff.get("/webhooks/")
    assert listing.status_code == 200 and "other.example.test" in listing.content.decode()
