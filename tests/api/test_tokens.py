"""The staff page for API tokens: an administrator creates, names, scopes and revokes them;
the key is shown once and stored hashed."""

from __future__ import annotations

import hashlib

from django.contrib.auth import get_user_model
from django.db import connection

from api.models import ApiToken
from audit.models import SecurityEvent
from tests.api.conftest import api_client
from tests.conftest import STAFF_PASSWORD, SUPPLIER, client_for


def test_admin_creates_a_token_and_sees_its_key_once(supplier_staff_client, in_supplier):
    response = supplier_staff_client.post("/api/tokens/", {"name": "Salarissysteem", "scope": "write"})
    assert response.status_code == 200
    key = response.context["created"].key
    page = response.content.decode()
    assert key in page and response["Cache-Control"] == "no-store"

    token = ApiToken.objects.get(name="Salarissysteem")
    # Stored hashed: the key itself is nowhere on the row, only its digest and first characters.
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {token.digest, token.prefix} and key.startswith(token.prefix)
    assert token.scope == "write" and token.owner.username == SUPPLIER.staff_email

    again = supplier_staff_client.get("/api/tokens/").content.decode()
    assert key not in again and f"{token.prefix}…" in again and "Salarissysteem" in again
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.API_TOKEN_CREATED)
    assert "Salarissysteem" in event.summary and event.actor_label == SUPPLIER.staff_email

    assert api_client(SUPPLIER, key).get("/api/relations/").status_code == 200


def test_the_token_page_is_dutch_and_in_the_staff_navigation(supplier_staff_client):
    page = supplier_staff_client.get("/api/tokens/").content.decode()
    assert "API-tokens" in page and "Nieuwe token" in page
    assert 'href="/api/tokens/"' in supplier_staff_client.get("/").content.decode()


def test_a_token_without_a_name_is_refused_and_nothing_is_made(supplier_staff_client, in_supplier):
    response = supplier_staff_client.post("/api/tokens/", {"name": "  ", "scope": "write"})
    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    response = supplier_staff_client.post("/api/tokens/", {"name": "Koppeling", "scope": "admin"})
    assert response.status_code == 400 and response.context["form"].errors["scope"]
    assert not ApiToken.objects.exists()


def test_a_revoked_token_answers_401(supplier_staff_client, make_key):
    key = make_key("write")
    client = api_client(SUPPLIER, key)
    assert client.get("/api/relations/").status_code == 200
    token = ApiToken.objects.get()
    response = supplier_staff_client.post(f"/api/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.is_active

    response = client.get("/api/relations/")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.API_TOKEN_REVOKED, actor__isnull=False).exists()
    # Revoking twice says so and changes nothing.
    supplier_staff_client.post(f"/api/tokens/{token.pk}/revoke/")
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.API_TOKEN_REVOKED).count() == 1


def test_only_staff_administrators_manage_tokens(in_supplier):
    get_user_model().objects.create_user(
        username="medewerker@brightsoft.test",
        email="medewerker@brightsoft.test",
        password=STAFF_PASSWORD,
        is_staff=True,
    )
    client = client_for(SUPPLIER)
    client.post("/login/", {"username": "medewerker@brightsoft.test", "password": STAFF_PASSWORD})
    assert client.get("/api/tokens/").status_code == 403
    assert client.post("/api/tokens/", {"name": "x", "scope": "write"}).status_code == 403
    assert client_for(SUPPLIER).get("/api/tokens/").status_code == 302  # anonymous: to the login page


def test_another_contractants_token_cannot_be_revoked(make_key, alpha_staff_client, in_supplier):
    make_key("write")
    token = ApiToken.objects.get()
    assert alpha_staff_client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    connection.set_tenant(in_supplier)
    assert ApiToken.objects.get().is_active
