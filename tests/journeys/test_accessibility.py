"""Accessibility checked, not assumed (issue 18): axe-core on every staff and portal page, in Dutch
and in English, with no serious or critical violation; and two flows walked with the keyboard
only (Tab, Enter, Space and typing into fields): the relink wizard and a portal membership.

axe-core comes from the project-local, git-ignored .local/axe (npm, installed by
.ci/ensure-axe, which `make test` runs) and is injected from that file: nothing is fetched from
the internet while the tests run."""

from __future__ import annotations

import subprocess

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.journeys.conftest import BASE_DIR, SUPPLIER_SCHEMA
from tests.journeys.sweep import all_pages, portal_login, staff_login, visit

AXE = BASE_DIR / ".local" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
  }));
}"""


@pytest.fixture(scope="module")
def axe_script():
    if not AXE.exists():
        subprocess.run([str(BASE_DIR / ".ci" / "ensure-axe")], check=True, cwd=BASE_DIR)
    assert AXE.exists(), f"axe-core is missing at {AXE}: run .ci/ensure-axe"
    return str(AXE)


def _violations(page, axe_script) -> list[str]:
    page.add_script_tag(path=axe_script)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['targets'])}"
        for v in page.evaluate(RUN_AXE)
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("locale, language", [("nl-NL", "nl"), ("en-GB", "en")])
def test_every_staff_and_portal_page_has_no_serious_accessibility_violation(
    live_site, browser, orm, axe_script, locale, language
):
    with orm(SUPPLIER_SCHEMA):
        pages = all_pages()
    problems, visited = [], 0
    for surface, login in (("public", None), ("staff", staff_login), ("portal", portal_login)):
        # bypass_csp: axe is injected as a script tag, which our Content-Security-Policy refuses.
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale, bypass_csp=True)
        # Dutch is the default whatever the browser asks (DutchFirstLocaleMiddleware); English
        # is the language switch's cookie.
        cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_site.url(SUPPLIER_SCHEMA)}
        context.add_cookies([cookie])
        page = context.new_page()
        if login:
            login(page, live_site)
        for item in (item for item in pages if item.surface == surface):
            if visit(page, live_site, item) is not None:  # not a page for a person (the reason)
                continue
            visited += 1
            assert page.locator("html").get_attribute("lang") == language, item.path
            problems += [f"{item.name} {item.path}: {problem}" for problem in _violations(page, axe_script)]
        context.close()
    assert visited >= 40
    assert not problems, "serious or critical accessibility violations:\n" + "\n".join(problems)


def tab_to(page, selector: str, text: str | None = None, limit: int = 250) -> None:
    """Press Tab until the focus is on the element matching selector whose text, or its row's
    text, contains text."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "([selector, text]) => { const el = document.activeElement;"
            " const row = el && (el.closest('li, tr') || el);"
            " return !!el && el.matches(selector) && (!text || row.textContent.includes(text)); }",
            [selector, text],
        ):
            return
    raise AssertionError(f"Tab never reached {selector} {text or ''}")


def test_the_relink_wizard_with_the_keyboard_only(live_site, new_page, orm):
    from relations.models import Relation

    with orm(SUPPLIER_SCHEMA):
        old = Relation.objects.get(customer_number="K1003")
        new = Relation.objects.get(customer_number="K1004")
    page = new_page()
    staff_login(page, live_site)
    page.goto(live_site.url(SUPPLIER_SCHEMA, f"/relations/{old.pk}/relink/"))
    tab_to(page, "#relink-search")
    page.keyboard.type("K1004")
    radio = page.locator("#relink-results input[type=radio]").first
    expect(radio).to_be_visible()
    tab_to(page, "#relink-results input[type=radio]")
    page.keyboard.press("Space")
    expect(radio).to_be_checked()
    tab_to(page, "button[type=submit]", "Tonen wat er meegaat")
    page.keyboard.press("Enter")
    preview = page.locator(".preview")
    expect(preview).to_contain_text(new.name)
    tab_to(page, ".preview button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text(f"is nu gekoppeld aan {new.name}")

    # And back, from the old relation's history, with the keyboard too.
    page.goto(live_site.url(SUPPLIER_SCHEMA, f"/relations/{old.pk}/history/"))
    tab_to(page, "button", "Ongedaan maken")
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Omhangen ongedaan gemaakt")
    with orm(SUPPLIER_SCHEMA):
        from subscriptions.models import TechnicalSetup

        assert TechnicalSetup.objects.get(contractant__schema_name="journey_dijk").subscription.relation_id == old.pk


def test_a_portal_membership_with_the_keyboard_only(live_site, new_page, orm):
    from contacts.models import ContactLink

    jan = new_page()
    portal_login(jan, live_site, "jan@devries-prive.nl")
    tab_to(jan, ".portal-nav a", "Organisatie toevoegen")
    jan.keyboard.press("Enter")
    jan.wait_for_url("**/portal/organisations/add/")
    tab_to(jan, "#id_customer_number")
    jan.keyboard.type("K1002")
    tab_to(jan, "#id_coc_number")
    jan.keyboard.type("23456789")
    tab_to(jan, "main button[type=submit]")
    jan.keyboard.press("Enter")
    expect(jan.locator(".messages")).to_be_visible()
    with orm(SUPPLIER_SCHEMA):
        link = ContactLink.objects.get(contact__username="jan@devries-prive.nl", relation__customer_number="K1002")
        assert link.status == "requested"
        organisation_code = link.relation.code

    # Anna administers the organisation: she approves the request with the keyboard.
    anna = new_page()
    portal_login(anna, live_site, "anna@bakkerijjansen.nl")
    anna.goto(live_site.url(SUPPLIER_SCHEMA, f"/portal/o/{organisation_code}/members/"))
    expect(anna.locator("main button[value=approve]").first).to_be_visible()
    tab_to(anna, "main button[value=approve]", "Jan de Vries")
    anna.keyboard.press("Enter")
    expect(anna.locator(".messages")).to_be_visible()
    with orm(SUPPLIER_SCHEMA):
        link.refresh_from_db()
        assert link.status == "approved"
