"""The staff shell (templates/base.html, staff/_topbar.html, _language_switch.html): login,
Dutch by default, English on request, CSRF on every form."""

from __future__ import annotations

from django.test import Client

from tests.conftest import ALPHA, STAFF_PASSWORD, SUPPLIER, client_for


def test_staff_shell_is_dutch_by_default_even_for_an_english_browser(alpha_staff_client):
    response = alpha_staff_client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    page = response.content.decode()
    assert '<html lang="nl">' in page
    assert "Wat voor u klaarligt bij Alpha Accountants." in page
    assert "Afmelden" in page


def test_language_switch_turns_the_shell_english(alpha_staff_client):
    alpha_staff_client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    page = alpha_staff_client.get("/").content.decode()
    assert "What waits for you at Alpha Accountants." in page
    assert "Log out" in page


def test_wrong_password_gives_a_clear_message(db):
    response = client_for(ALPHA).post("/login/", {"username": ALPHA.staff_email, "password": "fout"})

    assert response.status_code == 200
    assert "E-mailadres of wachtwoord is onjuist" in response.content.decode()


def test_login_form_requires_csrf(db):
    client = Client(HTTP_HOST=ALPHA.host, enforce_csrf_checks=True)

    response = client.post("/login/", {"username": ALPHA.staff_email, "password": STAFF_PASSWORD})

    assert response.status_code == 403


def test_logout_needs_a_post_and_ends_the_session(alpha_staff_client):
    assert alpha_staff_client.get("/logout/").status_code == 405
    alpha_staff_client.post("/logout/")
    assert alpha_staff_client.get("/").status_code == 302


def test_repeated_failed_logins_are_throttled(db):
    client = client_for(ALPHA)
    for _ in range(5):
        client.post("/login/", {"username": ALPHA.staff_email, "password": "raden"})

    response = client.post("/login/", {"username": ALPHA.staff_email, "password": STAFF_PASSWORD})

    assert response.status_code == 429
    assert "Te veel mislukte" in response.content.decode()


def test_htmx_is_served_locally(alpha_staff_client):
    page = alpha_staff_client.get("/").content.decode()

    assert '<script src="/static/django_htmx/htmx-2.min.js"' in page
    assert "https://" not in page


def test_every_page_loads_the_stylesheet_and_the_scripts(alpha_staff_client, db):
    for page in [alpha_staff_client.get("/").content.decode(), client_for(ALPHA).get("/login/").content.decode()]:
        assert '<link rel="stylesheet" href="/static/css/app.css">' in page
        assert '<script src="/static/django_htmx/htmx-2.min.js" defer></script>' in page
        assert '<script src="/static/js/app.js" defer></script>' in page


def test_pages_forbid_inline_scripts_by_content_security_policy(alpha_staff_client):
    response = alpha_staff_client.get("/")

    policy = response.headers["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'"]
    assert "<script>" not in response.content.decode()


def test_a_missing_page_says_so_in_dutch_with_a_way_back(alpha_staff_client):
    response = alpha_staff_client.get("/relations/987654/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Pagina niet gevonden</h1>" in page
    assert 'href="/">Terug naar de startpagina</a>' in page


def test_a_deactivated_staff_account_loses_its_open_session(supplier_staff_client, in_supplier):
    from django.contrib.auth import get_user_model

    assert supplier_staff_client.get("/").status_code == 200
    user = get_user_model().objects.get(email=SUPPLIER.staff_email)
    user.is_active = False
    user.save(update_fields=["is_active"])

    refused = supplier_staff_client.get("/")
    user.is_active = True
    user.save(update_fields=["is_active"])
    back = supplier_staff_client.get("/")

    assert refused.status_code == 302 and refused["Location"].startswith("/login/")
    assert back.status_code == 200  # reactivated: the same session works again (Django's rule)


def test_the_top_bar_escapes_the_contractant_name_and_marks_the_current_section(alpha_staff_client, alpha):
    alpha.name = 'Alpha <b>"&</b> Co'
    alpha.save(update_fields=["name"])

    page = alpha_staff_client.get("/tasks/?q=a&status=open").content.decode()

    assert "<span>Alpha &lt;b&gt;&quot;&amp;&lt;/b&gt; Co</span>" in page
    assert "<b>" not in page
    # The account link's accessible name holds its visible text, the e-mail address (axe).
    username = f'<span class="username"><span class="visually-hidden">Aangemeld als </span>{ALPHA.staff_email}</span>'
    assert username in page
    assert '<li><a href="/tasks/" aria-current="page">Taken</a></li>' in page
    assert "/tasks/support/" not in page  # Support tasks: only once a supplier has bound alpha (issue 18)
    assert '<input type="hidden" name="next" value="/tasks/?q=a&amp;status=open">' in page


def test_the_language_switch_comes_back_to_the_page_it_was_on_with_its_csrf_token(db):
    client = Client(HTTP_HOST=ALPHA.host, enforce_csrf_checks=True)
    login_page = client.get("/login/").content.decode()
    token = login_page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    client.post("/login/", {"username": ALPHA.staff_email, "password": STAFF_PASSWORD, "csrfmiddlewaretoken": token})
    page = client.get("/tasks/?status=open").content.decode()
    switch = page.split('<form class="language-switch"', 1)[1].split("</form>", 1)[0]
    token = switch.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]

    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/tasks/?status=open", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302 and response["Location"] == "/tasks/?status=open"
    english = client.get(response["Location"]).content.decode()
    assert '<option value="en" selected>EN</option>' in english
    assert '<li><a href="/tasks/" aria-current="page">Tasks</a></li>' in english


def test_the_login_pages_switch_language_and_come_back(db):
    client = client_for(ALPHA)
    for path in ["/login/", "/portal/login/"]:
        page = client.get(path).content.decode()
        switch = page.split('<form class="language-switch" action="/i18n/setlang/" method="post">', 1)[1]
        switch = switch.split("</form>", 1)[0]

        assert f'<input type="hidden" name="next" value="{path}">' in switch
        assert '<option value="nl" selected>NL</option>' in switch

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/portal/login/"})

    assert response["Location"] == "/portal/login/"
    assert '<option value="en" selected>EN</option>' in client.get("/portal/login/").content.decode()
