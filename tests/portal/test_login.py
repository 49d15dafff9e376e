"""Portal login: contacts with an approved link log in with e-mail + password; nobody else does."""

from __future__ import annotations

import datetime
import html
import re

from django.db import connection
from django.utils import timezone

from contacts.models import Contact
from contacts.services.out_of_service import mark_out_of_service
from tests.conftest import ALPHA, STAFF_PASSWORD, SUPPLIER
from tests.portal.conftest import PORTAL_PASSWORD, anonymous_client, form_errors, org_url, page, portal_client

NEUTRAL_LOGIN_ERROR = "E-mail address or password is incorrect, or this account has no portal access."


def is_logged_in_at_portal(client) -> bool:
    return not client.get("/portal/")["Location"].startswith("/portal/login/")


def test_contact_logs_in_with_its_email_in_any_casing_and_lands_on_its_first_organisation(accountant, bakkerij):
    client = anonymous_client()

    response = client.post(
        "/portal/login/", {"username": "  Anneke@VISSER-accountants.TEST ", "password": PORTAL_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    landing = client.get("/portal/", follow=True)
    assert landing.redirect_chain[-1][0] == org_url(bakkerij)
    assert "Anneke Visser" in page(landing)


def test_login_follows_a_next_link_inside_the_portal_only(accountant, bakkerij):
    client = anonymous_client()
    next_url = org_url(bakkerij, "contacts/")

    inside = client.post(
        "/portal/login/", {"username": accountant.email, "password": PORTAL_PASSWORD, "next": next_url}
    )
    outside = anonymous_client().post(
        "/portal/login/", {"username": accountant.email, "password": PORTAL_PASSWORD, "next": "/relations/"}
    )

    assert inside["Location"] == next_url
    assert outside["Location"] == "/portal/"


def test_wrong_password_gives_the_neutral_error_and_no_session(accountant):
    client = anonymous_client()

    response = client.post("/portal/login/", {"username": accountant.email, "password": "Niet-het-wachtwoord-1"})

    assert response.status_code == 200
    assert form_errors(page(response)) == [NEUTRAL_LOGIN_ERROR]
    assert "sessionid" not in client.cookies
    assert not is_logged_in_at_portal(client)


def test_unknown_email_gets_the_same_neutral_error(db):
    response = anonymous_client().post("/portal/login/", {"username": "niemand@nergens.test", "password": "x"})

    assert form_errors(page(response)) == [NEUTRAL_LOGIN_ERROR]


def test_staff_only_user_is_refused_by_the_portal_login(db):
    client = anonymous_client()

    response = client.post("/portal/login/", {"username": SUPPLIER.staff_email, "password": STAFF_PASSWORD})

    assert response.status_code == 200
    assert form_errors(page(response)) == [NEUTRAL_LOGIN_ERROR]
    assert not is_logged_in_at_portal(client)


def test_logged_in_staff_member_gets_403_on_portal_pages(staff_en, bakkerij):
    assert staff_en.get("/portal/").status_code == 403
    assert staff_en.get(org_url(bakkerij)).status_code == 403


def test_portal_user_gets_403_on_staff_pages(accountant, bakkerij):
    client = portal_client(accountant)

    assert client.get("/relations/").status_code == 403
    assert client.get(f"/relations/{bakkerij.pk}/").status_code == 403
    assert client.get("/tasks/").status_code == 403
    assert client.get("/contacts/").status_code == 403


def test_anonymous_visitor_is_sent_to_the_portal_login(bakkerij):
    response = anonymous_client().get(org_url(bakkerij, "tasks/"))

    assert response.status_code == 302
    assert response["Location"] == f"/portal/login/?next={org_url(bakkerij, 'tasks/')}"


def test_out_of_service_contact_cannot_log_in(supplier_user, accountant, org_admin):
    mark_out_of_service(
        contact=accountant, successor=org_admin, effective_date=timezone.localdate(), actor=supplier_user
    )
    client = anonymous_client()

    response = client.post("/portal/login/", {"username": accountant.email, "password": PORTAL_PASSWORD})

    assert form_errors(page(response)) == [NEUTRAL_LOGIN_ERROR]
    assert not is_logged_in_at_portal(client)


def test_contact_out_of_service_from_a_future_date_still_logs_in_today(supplier_user, accountant, org_admin):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    mark_out_of_service(contact=accountant, successor=org_admin, effective_date=tomorrow, actor=supplier_user)

    assert is_logged_in_at_portal(portal_client(accountant))


def test_inactive_contact_cannot_log_in_even_with_an_active_login(accountant):
    Contact.objects.filter(pk=accountant.pk).update(status=Contact.Status.INACTIVE)
    client = anonymous_client()

    response = client.post("/portal/login/", {"username": accountant.email, "password": PORTAL_PASSWORD})

    assert accountant.user.is_active
    assert form_errors(page(response)) == [NEUTRAL_LOGIN_ERROR]
    assert not is_logged_in_at_portal(client)


def test_a_session_of_a_contact_made_inactive_meanwhile_opens_nothing(accountant, bakkerij):
    client = portal_client(accountant)
    Contact.objects.filter(pk=accountant.pk).update(status=Contact.Status.INACTIVE)

    assert client.get(org_url(bakkerij)).status_code == 403


def test_portal_session_cookie_of_one_contractant_is_no_login_at_another(supplier, accountant, bakkerij):
    supplier_client = portal_client(accountant)
    alpha_client = anonymous_client(ALPHA)
    alpha_client.cookies["sessionid"] = supplier_client.cookies["sessionid"].value

    response = alpha_client.get("/portal/")
    connection.set_tenant(supplier)

    assert response.status_code == 302
    assert response["Location"].startswith("/portal/login/")
    assert supplier_client.get(org_url(bakkerij)).status_code == 200


def test_logout_ends_the_portal_session(accountant):
    client = portal_client(accountant)

    response = client.post("/portal/logout/")

    assert response["Location"] == "/portal/login/"
    assert not is_logged_in_at_portal(client)


def test_five_wrong_passwords_lock_the_portal_login_of_that_address(accountant):
    client = anonymous_client()
    for _ in range(5):
        client.post("/portal/login/", {"username": accountant.email, "password": "Fout-wachtwoord-2026"})

    response = client.post("/portal/login/", {"username": accountant.email, "password": PORTAL_PASSWORD})

    assert response.status_code != 302
    assert not is_logged_in_at_portal(client)


def test_login_returns_to_the_full_url_the_visitor_asked_for(accountant, bakkerij):
    client = anonymous_client()
    asked = org_url(bakkerij, "tasks/") + "?q=loon&status=open"
    login_page = page(client.get(client.get(asked)["Location"]))
    next_url = html.unescape(re.search(r'name="next" value="([^"]*)"', login_page).group(1))

    response = client.post(
        "/portal/login/", {"username": accountant.email, "password": PORTAL_PASSWORD, "next": next_url}
    )

    assert response["Location"] == asked
