"""Host routing: the public host serves only the platform admin; every contractant its own host."""

from __future__ import annotations

from tenants.services import set_contractant_active
from tests.conftest import ALPHA, BETA, STAFF_PASSWORD, client_for


def test_public_host_exposes_only_the_admin(db):
    client = client_for("localhost")

    assert client.get("/").headers["Location"] == "/admin/"
    assert client.get("/admin/login/").status_code == 200
    assert client.get("/login/").status_code == 404
    assert client.get("/relations/").status_code == 404


def test_contractant_host_has_no_platform_admin(alpha_staff_client):
    assert alpha_staff_client.get("/admin/").status_code == 404
    assert alpha_staff_client.get("/admin/login/").status_code == 404


def test_unknown_host_answers_404_with_a_clear_page(db):
    response = client_for("nobody.localhost").get("/login/")

    assert response.status_code == 404
    assert "nobody.localhost" in response.content.decode()


def test_each_host_shows_its_own_contractant(db):
    assert "Alpha Accountants" in client_for(ALPHA).get("/login/").content.decode()
    assert "Beta Bouw" in client_for(BETA).get("/login/").content.decode()


def test_anonymous_staff_page_redirects_to_login(db):
    response = client_for(ALPHA).get("/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login/")


def test_deactivated_contractant_answers_not_available_and_keeps_its_data(alpha):
    set_contractant_active(contractant=alpha, is_active=False)

    response = client_for(ALPHA).get("/login/")
    assert response.status_code == 503
    assert "niet beschikbaar" in response.content.decode()

    set_contractant_active(contractant=alpha, is_active=True)
    client = client_for(ALPHA)
    assert client.post("/login/", {"username": ALPHA.staff_email, "password": STAFF_PASSWORD}).status_code == 302


def test_a_host_is_looked_up_once_then_answered_from_the_process(db, django_assert_num_queries):
    client = client_for(ALPHA)
    client.get("/login/")  # looked up and remembered

    with django_assert_num_queries(0):
        assert client.get("/staff-never-queries/").status_code == 404


def test_a_deactivation_is_seen_at_once_even_after_the_host_was_remembered(alpha):
    client = client_for(ALPHA)
    assert client.get("/login/").status_code == 200

    set_contractant_active(contractant=alpha, is_active=False)
    assert client.get("/login/").status_code == 503

    set_contractant_active(contractant=alpha, is_active=True)
    assert client.get("/login/").status_code == 200


def test_a_new_domain_answers_at_once_and_a_removed_one_stops(alpha):
    from tenants.models import Domain

    assert client_for("alpha-second.localhost").get("/login/").status_code == 404
    domain = Domain.objects.create(domain="alpha-second.localhost", tenant=alpha, is_primary=False)
    assert "Alpha Accountants" in client_for("alpha-second.localhost").get("/login/").content.decode()

    domain.delete()
    assert client_for("alpha-second.localhost").get("/login/").status_code == 404
