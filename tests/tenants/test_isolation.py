"""A staff user of contractant A can neither log in nor see anything at contractant B."""

from __future__ import annotations

import subprocess
from pathlib import Path

from django.core.cache import cache
from django.db import connection

from tests.conftest import ALPHA, BETA, STAFF_PASSWORD, client_for

BASE_DIR = Path(__file__).resolve().parents[2]
APP_DIRS = [
    "config",
    "tenants",
    "relations",
    "subscriptions",
    "contacts",
    "tasks",
    "portal",
    "portal_sync",
    "mailin",
    "audit",
    "staff",
    "demo",
]


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


def test_a_prepared_statement_reads_the_tables_of_the_current_contractant(alpha, beta):
    """Statements that run often are prepared once per connection (server-side binding, see
    docs/decisions.md). PostgreSQL plans a prepared statement again when the search_path
    differs from the one it was planned with, so the same statement text on the same
    connection reads each contractant's own tables, however often it switches."""
    from relations.models import Relation
    from tests.factories import RelationFactory

    for tenant in (alpha, beta):
        connection.set_tenant(tenant)
        RelationFactory(name=f"Alleen bij {tenant.schema_name}")

    seen = []
    for tenant in [alpha, beta] * 8:
        connection.set_tenant(tenant)
        names = Relation.objects.filter(name__startswith="Alleen bij").values_list("name", flat=True)
        seen.append((tenant.schema_name, list(names)))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%Alleen bij%"])
        prepared = cursor.fetchone()[0]

    assert prepared == 0  # the names travel as parameters, never in the statement text
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ['%"relations_relation"%']
        )
        assert cursor.fetchone()[0] >= 1  # the relation read above is a prepared statement by now
    assert seen == [(schema, [f"Alleen bij {schema}"]) for schema, _names in seen]


def test_pages_of_two_contractants_served_in_turn_show_their_own_rows(alpha_staff_client, alpha, beta):
    from tests.factories import RelationFactory

    for tenant in (alpha, beta):
        connection.set_tenant(tenant)
        RelationFactory(name=f"Klant van {tenant.schema_name}")
    beta_staff_client = client_for(BETA)
    beta_staff_client.post("/login/", {"username": BETA.staff_email, "password": STAFF_PASSWORD})

    pages = []
    for _ in range(8):  # past psycopg's prepare threshold: the later rounds run prepared statements
        pages.append(("alpha", alpha_staff_client.get("/relations/").content.decode()))
        pages.append(("beta", beta_staff_client.get("/relations/").content.decode()))

    for schema, html in pages:
        other = "beta" if schema == "alpha" else "alpha"
        assert f"Klant van {schema}" in html and f"Klant van {other}" not in html


def test_only_the_crossing_module_switches_schemas():
    pattern = r"schema_context|tenant_context|set_search_path|search_path\s*="
    result = subprocess.run(
        ["grep", "-rlE", "--include=*.py", pattern, *APP_DIRS], cwd=BASE_DIR, capture_output=True, text=True
    )
    offenders = sorted(set(result.stdout.split()) - {"tenants/crossing.py"})
    assert offenders == []
