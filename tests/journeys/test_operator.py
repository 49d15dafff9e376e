"""Journey (a): a platform operator sets up a contractant in the admin site, and its first
staff user logs in at the new host."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.journeys.conftest import NEW_SCHEMA, OPERATOR, PASSWORD


def test_operator_creates_a_contractant_and_its_staff_logs_in(live_site, new_page, camera, orm):
    operator = new_page()
    operator.goto(live_site.url(path="/admin/"))
    operator.fill("#id_username", OPERATOR)
    operator.fill("#id_password", PASSWORD)
    operator.click("input[type=submit]")
    expect(operator.locator("#content h1")).to_be_visible()
    camera(operator, "admin-index")

    operator.goto(live_site.url(path="/admin/tenants/contractant/add/"))
    # A mistake first: a schema name the database would refuse. Nothing is created.
    operator.fill("#id_name", "Reis Nieuw B.V.")
    operator.fill("#id_schema_name", "Reis Nieuw!")
    operator.fill("#id_admin_email", "eerste@reis-nieuw.test")
    operator.fill("#id_admin_password", PASSWORD)
    operator.click("input[name=_save]")
    expect(operator.locator(".errornote")).to_be_visible()
    expect(operator.locator(".field-schema_name .errorlist")).to_be_visible()
    camera(operator, "refused-schema-name")
    with orm():
        from tenants.models import Contractant

        assert not Contractant.objects.filter(name="Reis Nieuw B.V.").exists()

    operator.fill("#id_schema_name", NEW_SCHEMA)
    operator.fill("#id_admin_password", PASSWORD)  # password fields are not re-filled
    operator.click("input[name=_save]")
    expect(operator.locator(".messagelist .success")).to_contain_text("Reis Nieuw B.V.")
    new_row = operator.locator("#result_list tbody tr", has_text="Reis Nieuw B.V.")
    expect(new_row).to_contain_text(NEW_SCHEMA)
    camera(operator, "contractant-created")

    # The list links to the new host; the first staff user logs in there.
    host_link = new_row.locator("a", has_text="journey-new.")
    assert "http:" + host_link.get_attribute("href") == live_site.url(NEW_SCHEMA, "/")
    staff = new_page()
    staff.goto("http:" + host_link.get_attribute("href"))
    expect(staff).to_have_url(live_site.url(NEW_SCHEMA, "/login/?next=/"))
    expect(staff.locator(".brand")).to_contain_text("Reis Nieuw B.V.")
    staff.fill("#id_username", "eerste@reis-nieuw.test")
    staff.fill("#id_password", "fout-wachtwoord")
    staff.click("main button.button-primary")
    expect(staff.locator(".form-errors")).to_be_visible()
    camera(staff, "wrong-password")
    staff.fill("#id_password", PASSWORD)
    staff.click("main button.button-primary")
    expect(staff).to_have_url(live_site.url(NEW_SCHEMA, "/"))
    expect(staff.locator("body")).to_contain_text("eerste@reis-nieuw.test")
    camera(staff, "new-contractant-home")

    # The new contractant starts empty: no relations of any other contractant are visible.
    staff.goto(live_site.url(NEW_SCHEMA, "/relations/"))
    expect(staff.locator("main")).not_to_contain_text("Bakkerij Jansen")
    camera(staff, "empty-relations")
