"""Keyboard shortcuts (issue 16, deliverable 8): `?` shows the help, Escape closes it; on the
task list j/k move through the rows and Enter opens one; on a task page r starts a public reply
and n an internal note; the help is also a button in the top bar, and fits a phone."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.journeys.conftest import SUPPLIER_SCHEMA
from tests.journeys.test_portal_trust import PHONE, on_a_phone
from tests.journeys.test_relink import staff_login

STAFF = "staff@journey.test"


def test_keyboard_shortcuts_on_the_list_and_the_task_page(live_site, new_page, camera):
    page = new_page()
    staff_login(page, live_site, SUPPLIER_SCHEMA, STAFF)
    help_dialog = page.locator("dialog#shortcuts")

    # The home page: "?" opens the help, Escape closes it; the top bar's button opens it too.
    expect(page.locator(".home-charts .chart")).to_have_count(2)
    on_a_phone(page, "home with charts")
    page.keyboard.press("?")
    expect(help_dialog).to_be_visible()
    expect(help_dialog.locator("h2")).to_have_text("Sneltoetsen")
    camera(page, "help")
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()
    page.locator("[data-shortcuts-open]").click()
    expect(help_dialog).to_be_visible()
    help_dialog.locator("[data-shortcuts-close]").click()
    expect(help_dialog).to_be_hidden()

    # The help on a phone: every line readable, nothing wider than the screen.
    page.set_viewport_size(PHONE)
    page.keyboard.press("?")
    box = help_dialog.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    camera(page, "help-on-a-phone")
    page.keyboard.press("Escape")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Typing "?" in the search box is just typing.
    page.keyboard.press("/")
    page.keyboard.type("?j")
    expect(page.locator("#global-search")).to_have_value("?j")
    expect(help_dialog).to_be_hidden()
    page.locator("#global-search").fill("")

    # The task list: j j highlights the second row, Enter opens it.
    page.goto(live_site.url(SUPPLIER_SCHEMA, "/tasks/"))
    rows = page.locator("table.list tbody tr")
    second = rows.nth(1).locator("a[href]").first.get_attribute("href")
    third = rows.nth(2).locator("a[href]").first.get_attribute("href")
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_class("is-kbd-current")
    expect(rows.nth(1)).to_have_attribute("aria-current", "true")
    expect(page.locator("tr.is-kbd-current")).to_have_count(1)
    camera(page, "second-row-highlighted")
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_site.url(SUPPLIER_SCHEMA, second))

    # The task page: r starts a public reply; typing goes into the box, not to the shortcuts.
    page.keyboard.press("r")
    body = page.locator("#composer textarea")
    expect(body).to_be_focused()
    expect(page.locator("#composer input[name=kind][value=reply]")).to_be_checked()
    page.keyboard.type("Dank voor uw melding, we kijken ernaar.")
    expect(body).to_have_value("Dank voor uw melding, we kijken ernaar.")
    camera(page, "reply-box")
    page.keyboard.press("Escape")
    body.evaluate("element => element.blur()")
    page.keyboard.press("n")
    expect(page.locator("#composer input[name=kind][value=note]")).to_be_checked()
    expect(body).to_be_focused()
    body.evaluate("element => element.blur()")

    # With unsent text, j asks first (the browser's question, dismissed here) and stays.
    page.keyboard.press("j")
    expect(page).to_have_url(live_site.url(SUPPLIER_SCHEMA, second))
    expect(body).to_have_value("Dank voor uw melding, we kijken ernaar.")

    # Without, j goes on to the next task of the list it came from; u back to that list.
    body.fill("")
    body.evaluate("element => element.blur()")
    page.keyboard.press("j")
    expect(page).to_have_url(live_site.url(SUPPLIER_SCHEMA, third))
    page.keyboard.press("u")
    expect(page).to_have_url(live_site.url(SUPPLIER_SCHEMA, "/tasks/"))
