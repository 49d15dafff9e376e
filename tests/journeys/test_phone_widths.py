"""Phones (issue 18): at 390 px every staff and portal page fits the screen (nothing pushes the
page sideways: wide tables scroll inside their own box), and the header's navigation is folded
behind a menu button that opens with the keyboard, with and without JavaScript."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.journeys.conftest import SUPPLIER_SCHEMA
from tests.journeys.sweep import all_pages, portal_login, staff_login, visit

PHONE = {"width": 390, "height": 844}

# The elements that stick out to the right, each named by a short CSS path, deepest first: an
# element inside a box that scrolls or clips sideways does not widen the page and is not named.
OFFENDERS_JS = """() => {
  const width = window.innerWidth;
  const name = (el) => {
    const parts = [];
    for (let node = el; node && node.nodeType === 1 && parts.length < 4; node = node.parentElement) {
      let part = node.tagName.toLowerCase();
      if (node.id) { part += "#" + node.id; parts.unshift(part); break; }
      if (node.classList.length) { part += "." + Array.from(node.classList).join("."); }
      parts.unshift(part);
    }
    return parts.join(" > ");
  };
  const clipped = (el) => {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      if (/(auto|scroll|hidden|clip)/.test(getComputedStyle(node).overflowX)) { return true; }
    }
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 0.5 && !clipped(el)) {
      if (!el.querySelector("*") || ![...el.children].some((c) => c.getBoundingClientRect().right > width + 0.5)) {
        wide.push(name(el) + " (right edge " + Math.round(box.right) + " px)");
      }
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, offenders: wide.slice(0, 5)};
}"""


def _too_wide(page) -> str | None:
    result = page.evaluate(OFFENDERS_JS)
    if result["scrollWidth"] <= result["innerWidth"]:
        return None
    return f"{result['scrollWidth']} px > {result['innerWidth']} px: " + "; ".join(result["offenders"])


def test_every_staff_and_portal_page_fits_a_phone_screen(live_site, browser, orm):
    with orm(SUPPLIER_SCHEMA):
        pages = all_pages()
    problems, visited, skipped = [], {"staff": 0, "portal": 0, "public": 0}, []
    for surface, login in (("public", None), ("staff", staff_login), ("portal", portal_login)):
        context = browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True, has_touch=True)
        page = context.new_page()
        if login:
            login(page, live_site)
        for item in (item for item in pages if item.surface == surface):
            if reason := visit(page, live_site, item):
                skipped.append(f"{item.name} {item.path}: {reason}")
                continue
            visited[surface] += 1
            if message := _too_wide(page):
                problems.append(f"{item.name} {item.path}: {message}")
        context.close()
    print("left out of the sweep:\n" + "\n".join(skipped))  # shown with pytest -rP
    enough = visited["staff"] >= 30 and visited["portal"] >= 8 and visited["public"] >= 2
    assert enough, f"{visited}; not pages:\n" + "\n".join(skipped)
    assert not problems, "pages wider than a 390 px phone:\n" + "\n".join(problems)


def _header_height(page) -> float:
    return page.locator("header").first.bounding_box()["height"]


def test_the_staff_menu_folds_on_a_phone_and_opens_with_the_keyboard(live_site, browser):
    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    page = context.new_page()
    staff_login(page, live_site)
    nav = page.locator(".mainnav")
    toggle = page.locator("[data-menu-toggle]").first
    expect(nav).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert _header_height(page) < 80
    toggle.focus()
    page.keyboard.press("Enter")
    expect(nav).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Space")
    expect(nav).to_be_hidden()
    page.keyboard.press("Space")
    nav.get_by_role("link", name="Taken", exact=True).click()
    expect(page).to_have_url(live_site.url(SUPPLIER_SCHEMA, "/tasks/"))
    expect(nav).to_be_hidden()  # a new page starts folded
    context.close()


def test_the_menus_open_without_javascript_too(live_site, browser):
    context = browser.new_context(viewport=PHONE, locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    staff_login(page, live_site)
    expect(page.locator(".mainnav")).to_be_hidden()
    page.locator("[data-menu-toggle]").first.click()
    expect(page.locator(".mainnav")).to_be_visible()
    page.locator(".mainnav").get_by_role("link", name="Relaties", exact=True).click()
    expect(page).to_have_url(live_site.url(SUPPLIER_SCHEMA, "/relations/"))

    portal = context.new_page()
    portal.goto(live_site.url(SUPPLIER_SCHEMA, "/portal/login/"))
    portal.fill("#id_username", "anna@bakkerijjansen.nl")
    portal.fill("#id_password", "Reis-wachtwoord-2026")
    portal.click("main button.button-primary")
    expect(portal.locator(".portal-nav")).to_be_hidden()
    portal.locator("[data-menu-toggle]").first.click()
    expect(portal.locator(".portal-nav")).to_be_visible()
    expect(portal.locator(".portal-nav")).to_contain_text("Leden")
    context.close()
