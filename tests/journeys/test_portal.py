"""Journey (c): a portal user switches organisation, edits its postal address, changes a
notification preference and asks to join another organisation; that organisation's
administrator approves, and the new organisation appears in the switcher."""

from __future__ import annotations

from playwright.sync_api import expect

from demo.contractants import PORTAL_ACCOUNTANT, PORTAL_ADMIN
from tests.journeys.conftest import PASSWORD, SUPPLIER_SCHEMA

OWN_ORGANISATION = "Hoveniersbedrijf Groen"  # Karin administers it
JOINED = "Jansen Brood & Banket B.V."  # Anna administers it; Karin asks to join


def portal_login(page, live_site, email: str) -> None:
    page.goto(live_site.url(SUPPLIER_SCHEMA, "/portal/"))
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main button.button-primary")
    expect(page.locator("#org-select")).to_be_visible()


def switcher_options(page) -> list[str]:
    return [text.strip() for text in page.locator("#org-select option").all_inner_texts()]


def test_portal_user_edits_an_organisation_and_joins_another_an_admin_approves(live_site, new_page, camera, orm):
    karin = new_page()
    portal_login(karin, live_site, PORTAL_ACCOUNTANT)
    assert JOINED not in switcher_options(karin)
    camera(karin, "first-organisation")

    # Switch organisation: the switcher submits itself; the page is now Hoveniersbedrijf Groen's.
    karin.select_option("#org-select", label=OWN_ORGANISATION)
    expect(karin.locator("#org-select option:checked")).to_have_text(OWN_ORGANISATION)
    expect(karin.locator(".portal-nav")).to_contain_text("Leden")  # she administers this one
    camera(karin, "switched")

    # Postal address: a wrong postcode is refused and nothing is saved; a good one is saved.
    karin.locator(".portal-nav").get_by_role("link", name="Organisatie", exact=True).click()
    address = karin.locator("#address")
    address.locator("#id_street").fill("Bloemenlaan")
    address.locator("#id_house_number").fill("21")
    address.locator("#id_postcode").fill("12345")
    address.locator("#id_city").fill("Groningen")
    address.locator("button.button-primary").click()
    expect(address.locator(".field-error").first).to_be_visible()
    camera(karin, "address-refused")
    with orm(SUPPLIER_SCHEMA):
        from relations.models import Relation

        assert Relation.objects.get(name=OWN_ORGANISATION).street == "Tuinpad"
    address.locator("#id_postcode").fill("9711 AB")
    address.locator("button.button-primary").click()
    expect(karin.locator("body")).to_contain_text("Het postadres is opgeslagen.")
    karin.reload()
    expect(karin.locator("#id_street")).to_have_value("Bloemenlaan")
    expect(karin.locator("#id_postcode")).to_have_value("9711 AB")
    camera(karin, "address-saved")

    # Notification preference on her own contact card.
    karin.locator(".portal-nav").get_by_role("link", name="Contactpersonen", exact=True).click()
    karin.locator("main a", has_text="Karin Jansen").click()
    expect(karin.locator("#id_notify_trigger option:checked")).not_to_have_attribute("value", "on_close")
    karin.select_option("#id_notify_trigger", "on_close")
    karin.locator("form:has(#id_notify_trigger) button[type=submit]").click()
    expect(karin.locator(".messages")).to_contain_text("Opgeslagen.")
    karin.reload()
    expect(karin.locator("#id_notify_trigger option:checked")).to_have_attribute("value", "on_close")
    camera(karin, "notification-preference")

    # Ask to join another organisation: a wrong KvK number is refused, the right one is sent.
    karin.locator(".portal-nav").get_by_role("link", name="Organisatie toevoegen", exact=True).click()
    karin.fill("#id_customer_number", "K1002")
    karin.fill("#id_coc_number", "99999999")
    karin.locator("main button.button-primary").click()
    expect(karin.locator("main .form-errors, main .field-error").first).to_be_visible()
    camera(karin, "request-refused")
    karin.fill("#id_coc_number", "23456789")
    karin.locator("main button.button-primary").click()
    expect(karin.locator(".messages")).to_contain_text(
        f"Uw aanvraag tot lidmaatschap van {JOINED} is verstuurd. U krijgt een e-mail zodra erover is besloten."
    )
    karin.locator(".portal-nav").get_by_role("link", name="Mijn aanvragen", exact=True).click()
    expect(karin.locator("main .card-list li")).to_have_count(1)
    expect(karin.locator("main .card-list li")).to_contain_text(JOINED)
    expect(karin.locator("main .card-list li")).to_contain_text("wacht op goedkeuring")
    assert JOINED not in switcher_options(karin)
    camera(karin, "request-waiting")

    # Anna administers Jansen Brood & Banket: she approves Karin with access to all tickets.
    anna = new_page()
    portal_login(anna, live_site, PORTAL_ADMIN)
    anna.select_option("#org-select", label=JOINED)
    expect(anna.locator("#org-select option:checked")).to_have_text(JOINED)
    anna.locator(".portal-nav").get_by_role("link", name="Leden").click()
    request_row = (
        anna.locator("main li, main tr")
        .filter(has_text="Karin Jansen")
        .filter(has=anna.locator("button[value=approve]"))
    )
    expect(request_row).to_have_count(1)
    camera(anna, "request-to-decide")
    request_row.locator("select").select_option("all")
    request_row.locator("button[value=approve]").click()
    expect(anna.locator(".messages")).to_contain_text("Besluit opgeslagen; Karin Jansen krijgt een e-mail.")
    camera(anna, "approved")

    # Karin now sees the organisation in her switcher, and no request waits any more.
    karin.reload()
    expect(karin.locator("main")).to_contain_text("U hebt geen openstaande aanvragen.")
    assert JOINED in switcher_options(karin)
    karin.select_option("#org-select", label=JOINED)
    expect(karin.locator(".portal-nav")).to_contain_text("Meldingen")
    camera(karin, "joined")
    with orm(SUPPLIER_SCHEMA):
        from contacts.models import ContactLink

        link = ContactLink.objects.get(contact__email=PORTAL_ACCOUNTANT, relation__name=JOINED)
        assert (link.status, link.support_access) == ("approved", "all")
