"""A staff user of contractant A can neither log in nor see anything at contractant B."""

from __future__ import annotations

import subprocess
from pathlib import Path

from django.core.cache import cache
from django.db import connection

from tests.conftest import ALPHA, BETA, STAFF_PASSWORD, client_for

BASE_DIR = Path(__file__).resolve().parents[2]
APP_DIRS = ["config", "tenants", "relations", "subscriptions", "contacts", "tasks", "portal", "portal_sync"]


def test_staff_of_alpha_cannot_log_in_at_beta(db):
    response = client_for(BETA).post("/login/", {"username": ALPHA.staff_email, "password": STAFF_PASSWORD})

    assert response.status_code == 200
    assert "onjuist" in response.content.decode()
    assert "_auth_user_id" not in client_for(BETA).session


def test_alpha_session_cookie_means_nothing_at_beta(alpha_staff_client):
    session_cookie = alpha_staff_client.cookies["sessionid"].value
    beta_client = client_for(BETA)
    beta_client.cookies["sessionid"] = session_cookie

    response = beta_client.get("/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login/")


def test_cached_session_of_alpha_is_stored_under_alpha_only(alpha_staff_client, alpha, beta):
    # Sessions are read through the cache (cached_db); its keys carry the schema name.
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX

    session_key = alpha_staff_client.cookies["sessionid"].value
    connection.set_tenant(alpha)
    assert cache.get(KEY_PREFIX + session_key) is not None
    connection.set_tenant(beta)
    assert cache.get(KEY_PREFIX + session_key) is None


def test_alpha_session_cookie_means_nothing_at_beta_with_a_warm_cache(alpha_staff_client):
    session_cookie = alpha_staff_client.cookies["sessionid"].value
    assert alpha_staff_client.get("/").status_code == 200  # alpha's session now sits in the cache
    beta_client = client_for(BETA)
    beta_client.cookies["sessionid"] = session_cookie

    response = beta_client.get("/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login/")


def test_session_cookie_is_host_only(alpha_staff_client):
    assert alpha_staff_client.cookies["sessionid"]["domain"] == ""


def test_cache_keys_are_per_contractant(alpha, beta):
    connection.set_tenant(alpha)
    cache.set("greeting", "hallo alpha", 30)
    connection.set_tenant(beta)
    assert cache.get("greeting") is None
    connection.set_tenant(alpha)
    assert cache.get("greeting") == "hallo alpha"
    cache.delete("greeting")


def test_only_the_crossing_module_switches_schemas():
    pattern = r"schema_context|tenant_context|set_search_path|search_path\s*="
    result = subprocess.run(
        ["grep", "-rlE", "--include=*.py", pattern, *APP_DIRS], cwd=BASE_DIR, capture_output=True, text=True
    )
    offenders = sorted(set(result.stdout.split()) - {"tenants/crossing.py"})
    assert offenders == []
