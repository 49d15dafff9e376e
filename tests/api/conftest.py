"""API test set-up: tokens made by the same service as the staff page, clients that send them
as an outside program would (a Bearer header, JSON, the contractant's host)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from api.services import token_create
from tests.conftest import SUPPLIER, Persona


def api_client(persona: Persona, key: str | None = None, language: str = "en") -> APIClient:
    client = APIClient(HTTP_HOST=persona.host)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Counts of the rate limit live in Redis, which a rolled-back test does not reset.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_key(in_supplier, supplier_user):
    def make(scope: str = "write", user=None, name: str = "Koppeling") -> str:
        connection.set_tenant(in_supplier)
        return token_create(actor=user or supplier_user, name=name, scope=scope).key

    return make


@pytest.fixture
def api(make_key) -> APIClient:
    """An outside program with a read-and-write token of the supplier."""
    return api_client(SUPPLIER, make_key("write"))


@pytest.fixture
def reader(make_key) -> APIClient:
    return api_client(SUPPLIER, make_key("read", name="Alleen lezen"))
