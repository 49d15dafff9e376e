"""The platform operator sets up contractants in the admin site on the public host."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import schema_exists

from tenants.models import Contractant, ContractantBinding, Domain
from tests.conftest import ALPHA, client_for

OPERATOR_PASSWORD = "Platform-beheer-2026"


@pytest.fixture
def operator_client(db):
    get_user_model().objects.create_superuser("operator", "operator@platform.test", OPERATOR_PASSWORD)
    client = client_for("localhost")
    assert client.post("/admin/login/", {"username": "operator", "password": OPERATOR_PASSWORD}).status_code == 302
    return client


def add_form(**overrides):
    return {
        "name": "Drukkerij De Pers",
        "schema_name": "de_pers",
        "domain": "",
        "database": "default",
        "role": "customer",
        "admin_email": "baas@depers.test",
        "admin_password": "Persen-en-drukken-8",
        **overrides,
    }


def test_operator_creates_a_contractant_that_answers_at_once(operator_client):
    response = operator_client.post("/admin/tenants/contractant/add/", add_form(), follow=True)

    assert "Drukkerij De Pers (de_pers)" in response.content.decode()
    contractant = Contractant.objects.get(schema_name="de_pers")
    assert Domain.objects.get(tenant=contractant).domain == "de-pers.localhost"
    staff = client_for("de-pers.localhost")
    assert staff.post("/login/", {"username": "baas@depers.test", "password": "Persen-en-drukken-8"}).status_code == 302
    assert "Drukkerij De Pers" in staff.get("/").content.decode()


def test_admin_form_shows_clear_errors_and_creates_nothing(operator_client):
    response = operator_client.post(
        "/admin/tenants/contractant/add/",
        add_form(schema_name="public", admin_email="nope", domain=ALPHA.host),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "gereserveerd" in page
    assert "geldig e-mailadres" in page
    assert "al in gebruik" in page
    assert not Contractant.objects.filter(name="Drukkerij De Pers").exists()
    assert not schema_exists("de_pers")


def test_operator_deactivates_a_contractant_from_the_list(operator_client, alpha):
    response = operator_client.post(
        "/admin/tenants/contractant/", {"action": "deactivate", "_selected_action": [alpha.pk]}
    )

    assert response.status_code == 302
    assert client_for(ALPHA).get("/login/").status_code == 503
    alpha.refresh_from_db()
    assert schema_exists(alpha.schema_name)


def test_contractants_cannot_be_deleted_from_the_admin(operator_client, alpha):
    response = operator_client.post(f"/admin/tenants/contractant/{alpha.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert Contractant.objects.filter(pk=alpha.pk).exists()


def test_staff_user_of_a_contractant_cannot_use_the_platform_admin(db):
    client = client_for("localhost")
    response = client.post("/admin/login/", {"username": ALPHA.staff_email, "password": "Test-wachtwoord-2026"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_platform_admin_refuses_a_role_change_with_the_reason(operator_client, alpha, supplier):
    ContractantBinding.objects.create(
        bound_contractant=alpha, holder=supplier, relation_id=1, relation_name="Alpha", subscription_id=1
    )

    response = operator_client.post(
        f"/admin/tenants/contractant/{supplier.pk}/change/",
        {
            "name": supplier.name,
            "role": "customer",
            "is_active": "on",
            "domains-TOTAL_FORMS": "0",
            "domains-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "koppelt nog 1 contractant" in response.content.decode()  # the platform admin is Dutch first
    assert Contractant.objects.get(pk=supplier.pk).role == Contractant.Role.SUPPLIER


def test_operator_makes_a_new_contractant_a_supplier(operator_client):
    operator_client.post("/admin/tenants/contractant/add/", add_form(schema_name="de_pers", role="supplier"))

    assert Contractant.objects.get(schema_name="de_pers").role == Contractant.Role.SUPPLIER
