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
