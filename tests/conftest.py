"""Test set-up: real PostgreSQL (embedded unless DATABASE_URL is set), contractants made
once per test session by the same service the admin uses, each test in a transaction."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client

from tenants.models import Contractant
from tenants.services import default_domain_for, provision_contractant
from tenants.template_schema import migrate_template_schema

STAFF_PASSWORD = "Test-wachtwoord-2026"


@dataclass(frozen=True)
class Persona:
    schema_name: str
    name: str
    staff_email: str

    @property
    def host(self) -> str:
        return default_domain_for(self.schema_name)


SUPPLIER = Persona("supplier", "Brightsoft Support", "staff@brightsoft.test")
ALPHA = Persona("alpha", "Alpha Accountants", "beheer@alpha.test")
BETA = Persona("beta", "Beta Bouw", "beheer@beta.test")
PERSONAS = [SUPPLIER, ALPHA, BETA]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.test.utils import setup_databases, teardown_databases

    created = None
    with django_db_blocker.unblock():
        if not connection.settings_dict["NAME"].startswith("test_"):
            # pytest-django creates the test database only when a collected test asks for `db`.
            # Tests that commit through django_db_blocker (worker, journeys) run on their own
            # too, and must never write into the development database.
            created = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        migrate_template_schema()
        for persona in PERSONAS:
            provision_contractant(
                name=persona.name,
                schema_name=persona.schema_name,
                domain=persona.host,
                admin_email=persona.staff_email,
                admin_password=STAFF_PASSWORD,
                role="supplier" if persona is SUPPLIER else "customer",
            )
        connection.set_schema_to_public()
    yield
    if created:
        with django_db_blocker.unblock():
            teardown_databases(created, verbosity=0)


@pytest.fixture(scope="session", autouse=True)
def _only_the_test_database(django_db_setup):
    """Every test, also one that only commits through django_db_blocker, gets the test database."""
    assert connection.settings_dict["NAME"].startswith("test_")


@pytest.fixture(autouse=True)
def _back_to_public_schema():
    yield
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _fresh_host_lookups():
    """A test's rolled-back contractant changes must not outlive it in the host cache."""
    from tenants.middleware import contractant_for_host

    contractant_for_host.cache_clear()
    yield
    contractant_for_host.cache_clear()


@pytest.fixture
def supplier(db) -> Contractant:
    return Contractant.objects.get(schema_name=SUPPLIER.schema_name)


@pytest.fixture
def alpha(db) -> Contractant:
    return Contractant.objects.get(schema_name=ALPHA.schema_name)


@pytest.fixture
def beta(db) -> Contractant:
    return Contractant.objects.get(schema_name=BETA.schema_name)


def client_for(persona_or_host: Persona | str) -> Client:
    host = persona_or_host.host if isinstance(persona_or_host, Persona) else persona_or_host
    return Client(HTTP_HOST=host)


def logged_in_staff(persona: Persona) -> Client:
    client = client_for(persona)
    response = client.post("/login/", {"username": persona.staff_email, "password": STAFF_PASSWORD})
    assert response.status_code == 302, f"{persona.schema_name} staff login failed"
    return client


@pytest.fixture
def alpha_staff_client(db) -> Client:
    return logged_in_staff(ALPHA)


@pytest.fixture
def supplier_staff_client(db) -> Client:
    """A supplier's staff member, logged in; the connection stays on the supplier's schema."""
    return logged_in_staff(SUPPLIER)


@pytest.fixture
def in_supplier(supplier):
    """Run the test body in the supplier's schema (as a request to its host would)."""
    connection.set_tenant(supplier)
    return supplier


@pytest.fixture
def supplier_user(in_supplier):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=SUPPLIER.staff_email)


def remove_committed_contractants(schema_names: list[str]) -> None:
    """Tests that commit (worker, parallel relink, browser journeys) make their own
    contractants; this removes them with everything that points at them, and their schemas."""
    from tenants.models import ContractantBinding, Domain, SyncOutbox

    connection.set_schema_to_public()
    contractants = Contractant.objects.filter(schema_name__in=schema_names)
    ContractantBinding.objects.filter(bound_contractant__in=contractants).delete()
    ContractantBinding.objects.filter(holder__in=contractants).delete()
    SyncOutbox.objects.filter(contractant__in=contractants).delete()
    Domain.objects.filter(tenant__in=contractants).delete()
    contractants.delete()
    with connection.cursor() as cursor:
        for schema_name in schema_names:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')
