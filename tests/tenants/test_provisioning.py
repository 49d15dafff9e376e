"""Tenant setup through tenants.services.provision_contractant (admin, seed_demo and tests)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation
from django_tenants.utils import schema_exists

from tenants import services
from tenants.models import Contractant, Domain
from tests.conftest import ALPHA, client_for

GOOD = {
    "name": "Cafe Het Anker",
    "schema_name": "het_anker",
    "domain": "het-anker.localhost",
    "admin_email": "Eigenaar@HetAnker.test ",
    "admin_password": "Ankers-en-touwen-77",
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def tenant_tables(schema_name: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema_name])
        return {row[0] for row in cursor.fetchall()}


def assert_nothing_left(schema_name: str, domain: str) -> None:
    assert not Contractant.objects.filter(schema_name=schema_name).exists()
    assert not Domain.objects.filter(domain=domain).exists()
    assert not schema_exists(schema_name)


def test_provisioning_creates_schema_domain_and_first_staff_user(db):
    contractant = services.provision_contractant(**GOOD)

    assert contractant.database == "default"
    assert contractant.is_active
    assert schema_exists("het_anker")
    assert {"auth_user", "django_session", "django_migrations"} <= tenant_tables("het_anker")
    assert Domain.objects.get(domain="het-anker.localhost").tenant == contractant
    # The first staff user logs in at the new host at once, e-mail normalised.
    client = client_for("het-anker.localhost")
    response = client.post("/login/", {"username": "eigenaar@hetanker.test", "password": GOOD["admin_password"]})
    assert response.status_code == 302
    assert "Cafe Het Anker" in client.get("/").content.decode()


def catalog(schema_name: str) -> dict[str, set]:
    """Everything a later migration may rely on: columns, constraints and indexes by name."""
    queries = {
        "columns": "SELECT table_name, column_name, data_type, is_nullable, is_identity, column_default "
        "FROM information_schema.columns WHERE table_schema = %s",
        # CHECK expressions are re-parsed when copied and print with other casts: compare by name.
        "constraints": "SELECT rel.relname, con.conname, CASE WHEN con.contype = 'c' THEN 'check' "
        "ELSE pg_get_constraintdef(con.oid) END FROM pg_constraint con "
        "JOIN pg_class rel ON rel.oid = con.conrelid JOIN pg_namespace n ON n.oid = rel.relnamespace "
        "WHERE n.nspname = %s AND con.contype <> 'n'",
        "indexes": "SELECT indexname, replace(indexdef, schemaname || '.', '') FROM pg_indexes WHERE schemaname = %s",
        "functions": "SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = %s",
        "triggers": "SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
        "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND NOT t.tgisinternal",
        "migrations": "SELECT app, name FROM {schema}.django_migrations",
        "content_types": "SELECT app_label, model FROM {schema}.django_content_type",
    }
    result = {}
    with connection.cursor() as cursor:
        for key, sql in queries.items():
            cursor.execute(sql.format(schema=f'"{schema_name}"'), [schema_name] if "%s" in sql else [])
            rows = cursor.fetchall()
            # The catalog qualifies names outside the search path; compare without the schema.
            result[key] = {
                tuple(str(v).replace(f'"{schema_name}".', "").replace(f"{schema_name}.", "") for v in row)
                for row in rows
            }
    return result


def test_cloned_schema_is_identical_to_the_template(db):
    services.provision_contractant(**GOOD)

    cloned, template = catalog("het_anker"), catalog("tenant_template")
    for key in template:
        assert cloned[key] == template[key], key
    assert template["constraints"] and template["indexes"] and template["migrations"]
    assert template["functions"] and template["triggers"]


def test_new_rows_in_a_cloned_schema_get_fresh_ids(db):
    services.provision_contractant(**GOOD)

    with connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO "het_anker".django_content_type (app_label, model) VALUES (%s, %s) RETURNING id',
            ["probe", "probe"],
        )
        new_id = cursor.fetchone()[0]
        cursor.execute('SELECT max(id) FROM "tenant_template".django_content_type')
        assert new_id > cursor.fetchone()[0]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("schema_name", "public", "reserved"),
        ("schema_name", "tenant_template", "reserved"),
        ("schema_name", "pg_catalog2", "reserved"),
        ("schema_name", "HetAnker", "lower-case"),
        ("schema_name", "het anker", "lower-case"),
        ("schema_name", "x; DROP SCHEMA public CASCADE", "lower-case"),
        ("schema_name", "a'--", "lower-case"),
        ("schema_name", "", "lower-case"),
        ("schema_name", "1anker", "lower-case"),
        ("domain", "not a host!", "valid host name"),
        ("domain", "localhost", "platform's own host"),
        ("admin_email", "geen-email", "valid e-mail"),
        ("admin_password", "kort", "too short"),
        ("name", "   ", "Enter a name"),
        ("database", "elsewhere", "Unknown database"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_leaves_nothing(db, field, value, message):
    data = {**GOOD, field: value}

    with pytest.raises(ValidationError) as excinfo:
        services.provision_contractant(**data)

    assert any(message in text for text in excinfo.value.message_dict[field])
    assert_nothing_left(GOOD["schema_name"], GOOD["domain"])
    if field == "schema_name" and value == "x; DROP SCHEMA public CASCADE":
        assert schema_exists("public")


def test_schema_already_taken_is_refused(db, alpha):
    with pytest.raises(ValidationError) as excinfo:
        services.provision_contractant(**{**GOOD, "schema_name": ALPHA.schema_name})

    assert "already taken" in excinfo.value.message_dict["schema_name"][0]
    assert not Domain.objects.filter(domain=GOOD["domain"]).exists()


def test_domain_already_in_use_is_refused(db, alpha):
    with pytest.raises(ValidationError) as excinfo:
        services.provision_contractant(**{**GOOD, "domain": ALPHA.host})

    assert "already in use" in excinfo.value.message_dict["domain"][0]
    assert_nothing_left(GOOD["schema_name"], GOOD["domain"])
    assert Domain.objects.get(domain=ALPHA.host).tenant == alpha


def test_failure_half_way_leaves_no_orphan_schema_and_no_rows(db, monkeypatch):
    def explode(**kwargs):
        # The schema and the domain exist by now; the transaction must take them back.
        assert schema_exists(kwargs["schema_name"])
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "create_first_staff_user", explode)

    with pytest.raises(RuntimeError, match="disk full"):
        services.provision_contractant(**GOOD)

    assert_nothing_left(GOOD["schema_name"], GOOD["domain"])


def test_all_problems_are_reported_at_once(db):
    with pytest.raises(ValidationError) as excinfo:
        services.provision_contractant(**{**GOOD, "schema_name": "Public", "admin_email": "x", "domain": "-"})

    assert set(excinfo.value.message_dict) == {"schema_name", "admin_email", "domain"}
