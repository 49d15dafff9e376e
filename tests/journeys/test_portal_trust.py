"""Journey (d), issue 14: a portal user asks to join an organisation that has no administrator,
and only the supplier's staff make them its administrator; as that administrator she adds a
person who is already known and an address nobody has: both are invited and listed alike (she
sees only what she typed), and the known person accepts."""

from __future__ import annotations

from playwright.sync_api import expect

from demo.contractants import PORTAL_ACCOUNTANT
from tests.journeys.conftest import PASSWORD, SUPPLIER_SCHEMA

NO_ADMIN = "Van Dijk Bouwgroep Holding B.V."  # K1004: the demo gives it no portal administrator
KNOWN_PERSON = "jan@devries-prive.nl"  # Jan de Vries, a portal user of other organisations
NEW_ADDRESS = "nieuwe.collega@vandijk-bouwgroep.example"  # nobody's yet
PHONE = {"width": 390, "height": 844}


def portal_login(page, live_site, email: str) -> None:
    page.goto(live_site.url(SUPPLIER_SCHEMA, "/portal/"))
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main button.button-primary")
    expect(page.locator("#org-select")).to_be_visible()


def on_a_phone(page, name: str) -> None:
    """The page at 390 px: nothing wider than the screen (a wide table scrolls in its own box)."""
    page.set_viewport_size(PHONE)
    try:
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        # The elements that stick out, named in the failure.
        wide = page.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right >"
            " document.documentElement.clientWidth + 1).slice(-5).map(e => e.tagName + '.' + e.className)"
        )
        assert overflow <= 0, f"{name}: {overflow} px wider than a 390 px screen ({wide})"
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def switcher_options(page) -> list[str]:
    return [text.strip() for text in page.locator("#org-select option").all_inner_texts()]


def test_a_claim_goes_to_staff_and_a_known_person_is_invited(live_site, new_page, camera, orm):
    karin = new_page()
    portal_login(karin, live_site, PORTAL_ACCOUNTANT)

    # Karin asks to join an organisation without administrator: she is told what anyone is told.
    karin.locator(".portal-nav").get_by_role("link", name="Organisatie toevoegen", exact=True).click()
    karin.fill("#id_customer_number", "K1004")
    karin.fill("#id_coc_number", "45678901")
    karin.locator("main button.button-primary").click()
    expect(karin.locator(".messages")).to_contain_text(
        f"Uw aanvraag tot lidmaatschap van {NO_ADMIN} is verstuurd. U krijgt een e-mail zodra erover is besloten."
    )
    assert NO_ADMIN not in switcher_options(karin)
    camera(karin, "claim-waiting")

    # The supplier's staff find it under Portal requests and approve.
    staff = new_page()
    staff.goto(live_site.url(SUPPLIER_SCHEMA, "/login/"))
    staff.fill("#id_username", "staff@journey.test")
    staff.fill("#id_password", PASSWORD)
    staff.click("main button.button-primary")
    staff.get_by_role("link", name="Portaalaanvragen", exact=True).click()
    row = staff.locator("main tr").filter(has_text="Karin Jansen").filter(has_text=NO_ADMIN)
    expect(row).to_have_count(1)
    camera(staff, "claim-queue")
    on_a_phone(staff, "claim-queue")
    row.locator("button[value=approve]").click()
    expect(staff.locator(".messages")).to_contain_text(f"Karin Jansen is nu beheerder van {NO_ADMIN}")
    expect(staff.locator("main")).to_contain_text("Er wachten geen portaalaanvragen.")

    # Karin administers it now.
    karin.reload()
    assert NO_ADMIN in switcher_options(karin)
    karin.select_option("#org-select", label=NO_ADMIN)
    expect(karin.locator(".portal-nav")).to_contain_text("Leden")
    camera(karin, "claim-approved")

    # She adds an address that already belongs to Jan, and one nobody has: the same answer and
    # the same entry for both, nothing of Jan shown.
    karin.locator(".portal-nav").get_by_role("link", name="Contactpersonen", exact=True).click()
    for first_name, email in [("J.", KNOWN_PERSON), ("N.", NEW_ADDRESS)]:
        karin.get_by_role("link", name="Contactpersoon toevoegen").click()
        karin.fill("#id_first_name", first_name)
        karin.fill("#id_last_name", "Onbekend")
        karin.fill("#id_email", email)
        karin.locator("main button.button-primary").click()
        expect(karin.locator(".messages")).to_contain_text(f"{email} is uitgenodigd")
    invited = karin.locator("main li.invited")
    expect(invited).to_have_count(2)
    expect(invited.filter(has_text="J. Onbekend")).to_contain_text("uitgenodigd")
    expect(invited.filter(has_text="N. Onbekend")).to_contain_text("uitgenodigd")
    entries = [
        text.replace(KNOWN_PERSON, "ADDRESS").replace(NEW_ADDRESS, "ADDRESS").replace("J.", "X").replace("N.", "X")
        for text in invited.all_inner_texts()
    ]
    assert entries[0] == entries[1], entries
    expect(karin.locator("main")).not_to_contain_text("de Vries")
    expect(karin.locator("main")).not_to_contain_text("al bij ons bekend")
    camera(karin, "invited")

    # Jan finds the invitation in his portal and accepts.
    jan = new_page()
    portal_login(jan, live_site, KNOWN_PERSON)
    jan.locator(".portal-nav").get_by_role("link", name="Mijn aanvragen", exact=True).click()
    jan.get_by_role("link", name="Uitnodiging bekijken").click()
    expect(jan.locator("main")).to_contain_text(f"Karin Jansen nodigt u uit als contactpersoon van {NO_ADMIN}")
    camera(jan, "invitation")
    jan.get_by_role("button", name="Accepteren").click()
    expect(jan.locator(".messages")).to_contain_text(f"U bent nu contactpersoon van {NO_ADMIN}")
    assert NO_ADMIN in switcher_options(jan)

    # Only now does Karin see him, as he is; he keeps his own details (read-only for her).
    karin.reload()
    expect(karin.locator("main")).to_contain_text("Jan de Vries")
    expect(karin.locator("main li.invited")).to_have_count(1)  # the new address has not answered
    camera(karin, "accepted")
    karin.get_by_role("link", name="Jan de Vries").click()
    expect(karin.locator("main dl.facts").first).to_contain_text(KNOWN_PERSON)
    on_a_phone(karin, "contact-card")
    with orm(SUPPLIER_SCHEMA):
        from contacts.models import ContactLink

        karins = ContactLink.objects.get(contact__email=PORTAL_ACCOUNTANT, relation__name=NO_ADMIN)
        jans = ContactLink.objects.get(contact__email=KNOWN_PERSON, relation__name=NO_ADMIN)
        assert (karins.status, karins.is_admin, karins.support_access) == ("approved", True, "all")
        assert (jans.status, jans.is_admin) == ("approved", False)
