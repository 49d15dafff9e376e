"""Journey: a staff member switches two-factor login on (QR code and key on the page, a wrong
code first), keeps the recovery codes, logs out, and logs in again with password and code."""

from __future__ import annotations

import time
from base64 import b32decode

from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.journeys.conftest import CUSTOMER_SCHEMAS, PASSWORD
from tests.journeys.test_relink import staff_login

SCHEMA = CUSTOMER_SCHEMAS["van_dijk_bouw"]  # no other journey logs in there
STAFF = "beheer@journey-dijk.test"


def app_code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed in from the page."""
    totp = TOTP(b32decode(secret.replace(" ", "")), step=30, t0=0, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_staff_set_up_two_factor_log_out_and_log_in_with_a_code(live_site, new_page, camera, orm):
    page = new_page()
    staff_login(page, live_site, SCHEMA, STAFF)
    page.locator(".userbox a.account-link").click()
    expect(page).to_have_url(live_site.url(SCHEMA, "/account/two-factor/"))
    expect(page.locator("main h1")).to_have_text("Tweestapsverificatie")
    page.get_by_role("button", name="Tweestapsverificatie instellen").click()

    qr = page.locator("img.totp-qr")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    secret = page.locator("[data-totp-secret]").inner_text()
    camera(page, "scan-or-type")

    # A mistyped code: refused, and the same key stays on the page.
    right = {app_code(secret, steps) for steps in (-1, 0, 1)}
    page.fill("#id_code", next(code for code in ("123456", "654321", "111111") if code not in right))
    page.get_by_role("button", name="Bevestigen en inschakelen").click()
    expect(page.locator(".field-error")).to_contain_text("Die code klopt niet")
    assert page.locator("[data-totp-secret]").inner_text() == secret
    camera(page, "wrong-code")

    page.wait_for_timeout(1500)  # django-otp's back-off after a wrong code: one second
    page.fill("#id_code", app_code(secret))
    page.get_by_role("button", name="Bevestigen en inschakelen").click()
    codes = page.locator("[data-recovery-codes] code")
    expect(codes).to_have_count(10)
    camera(page, "recovery-codes")
    page.get_by_role("link", name="Ik heb ze bewaard, verder").click()
    expect(page.locator("main")).to_contain_text("Nog 10 herstelcodes")

    page.locator(".userbox").get_by_role("button", name="Afmelden").click()
    expect(page).to_have_url(live_site.url(SCHEMA, "/login/"))

    # The password alone leads to the code step, not in.
    page.fill("#id_username", STAFF)
    page.fill("#id_password", PASSWORD)
    page.click("main button.button-primary")
    expect(page).to_have_url(live_site.url(SCHEMA, "/login/code/"))
    page.goto(live_site.url(SCHEMA, "/tasks/"))
    expect(page).to_have_url(live_site.url(SCHEMA, "/login/?next=/tasks/"))
    page.goto(live_site.url(SCHEMA, "/login/code/"))
    camera(page, "code-step")
    # The code the set-up used is spent: the app's next one logs in.
    page.fill("#id_code", app_code(secret, steps_ahead=1))
    page.click("main button.button-primary")
    expect(page).to_have_url(live_site.url(SCHEMA, "/"))
    expect(page.locator(".userbox")).to_contain_text(STAFF)
    camera(page, "logged-in-with-code")

    with orm(SCHEMA):
        from audit.models import SecurityEvent

        login = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.STAFF_LOGIN).first()
        assert login.actor_label == STAFF and "2FA" in login.summary
