"""Who gets in: a token of this contractant, within its scope and its rate limit; nothing of
one contractant is reachable with another's token or on another's host."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from tests.api.conftest import api_client
from tests.conftest import ALPHA, STAFF_PASSWORD, SUPPLIER, client_for
from tests.factories import RelationFactory


def test_without_a_key_the_api_answers_401_with_a_bearer_challenge(db):
    response = client_for(SUPPLIER).get("/api/relations/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_or_malformed_key_answers_401(db):
    assert api_client(SUPPLIER, "not-a-key-of-anyone").get("/api/relations/").status_code == 401
    client = api_client(SUPPLIER)
    client.credentials(HTTP_AUTHORIZATION="Bearer two parts")
    assert client.get("/api/relations/").status_code == 401


def test_a_read_token_may_read_but_not_write(reader):
    assert reader.get("/api/relations/").status_code == 200
    response = reader.post("/api/relations/", {"name": "Nieuw", "customer_number": "N1"}, format="json")
    assert response.status_code == 403
    assert "read" in response.json()["detail"]


def test_a_token_of_one_contractant_is_useless_on_anothers_host(make_key):
    key = make_key("write")
    response = api_client(ALPHA, key).get("/api/relations/")
    assert response.status_code == 401


def test_another_contractants_objects_are_404(in_supplier, alpha, make_key):
    relation = RelationFactory(name="Alleen bij de leverancier")
    # A token of alpha, asking alpha's host for the supplier's relation id.
    connection.set_tenant(alpha)
    from django.contrib.auth import get_user_model

    from api.services import token_create

    alpha_user = get_user_model().objects.get(username=ALPHA.staff_email)
    key = token_create(actor=alpha_user, name="Alpha", scope="write").key
    client = api_client(ALPHA, key)
    assert client.get(f"/api/relations/{relation.pk}/").status_code == 404
    assert client.patch(f"/api/relations/{relation.pk}/", {"name": "Overgenomen"}, format="json").status_code == 404
    assert client.get(f"/api/relations/{relation.pk}/relink/?to={relation.pk}").status_code == 404
    assert client.get("/api/relations/").json()["results"] == []
    connection.set_tenant(in_supplier)
    relation.refresh_from_db()
    assert relation.name == "Alleen bij de leverancier"


@pytest.fixture
def three_a_minute(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_token": "3/minute"},
    }


def test_over_the_rate_limit_the_token_gets_429_with_retry_after(three_a_minute, api, make_key):
    for _ in range(3):
        assert api.get("/api/relations/").status_code == 200
    response = api.get("/api/relations/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    # Per token: another token of the same owner still has its own allowance.
    assert api_client(SUPPLIER, make_key("read")).get("/api/relations/").status_code == 200


def test_staff_logged_in_may_use_the_api_with_their_session_but_writes_need_csrf(db):
    client = Client(HTTP_HOST=SUPPLIER.host, enforce_csrf_checks=True)
    login_page = client.get("/login/")
    client.post(
        "/login/",
        {
            "username": SUPPLIER.staff_email,
            "password": STAFF_PASSWORD,
            "csrfmiddlewaretoken": login_page.context["csrf_token"],
        },
    )
    assert client.get("/api/relations/").status_code == 200
    response = client.post(
        "/api/relations/", {"name": "Via sessie", "customer_number": "S-1"}, content_type="application/json"
    )
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
