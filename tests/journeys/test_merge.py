"""Journey: staff merge two records of one person, choosing field by field which values stay,
see plainly who stayed, and undo the merge from the contact's history."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.journeys.conftest import SUPPLIER_SCHEMA
from tests.journeys.test_relink import staff_login

OLDER, NEWER = "merge.jan@reis-vries.test", "merge.j.devries@reis-vries.test"


def new_contact(page, live_site, first_name: str, last_name: str, email: str, phone: str = "") -> int:
    """Entered through the staff page, as the duplicate was (the server commits it)."""
    page.goto(live_site.url(SUPPLIER_SCHEMA, "/contacts/new/"))
    page.fill("#id_first_name", first_name)
    page.fill("#id_last_name", last_name)
    page.fill("#id_email", email)
    page.fill("#id_phone", phone)
    page.locator("main button.button-primary").click()
    expect(page.locator(".messages")).to_contain_text(first_name)
    return int(re.search(r"/contacts/(\d+)/", page.url).group(1))


def contact_state(orm, *pks: int) -> list[tuple]:
    with orm(SUPPLIER_SCHEMA):
        from contacts.models import Contact, ContactEmail

        contacts = list(
            Contact.objects.filter(pk__in=pks).order_by("pk").values_list("pk", "first_name", "email", "phone")
        )
        secondary = list(ContactEmail.objects.filter(contact__in=pks).values_list("contact_id", "email"))
        return [*((pk, first, email, str(phone)) for pk, first, email, phone in contacts), *secondary]


def test_staff_merge_two_records_field_by_field_and_undo(live_site, new_page, camera, orm):
    staff = new_page()
    staff_login(staff, live_site, SUPPLIER_SCHEMA, "staff@journey.test")
    older = new_contact(staff, live_site, "Jan", "de Vriesma", OLDER)
    newer = new_contact(staff, live_site, "Johannes", "de Vriesma", NEWER, phone="0612345678")
    before = contact_state(orm, older, newer)
    # Started from the newer record: the merge page picks the other one by search.
    staff.goto(live_site.url(SUPPLIER_SCHEMA, f"/contacts/{newer}/"))
    staff.locator(".page-head a", has_text="Samenvoegen").click()
    staff.fill("#merge-search", "merge.jan@")
    choice = staff.locator("#merge-results label", has_text=OLDER)
    expect(choice).to_be_visible()
    choice.locator("input[type=radio]").check()
    staff.locator("main form.card button[type=submit]").click()

    # Both values of each field side by side; the older record stays by default.
    merge_form = staff.locator("#merge-form")
    expect(merge_form.locator(f"input[name=survivor][value='{older}']")).to_be_checked()
    expect(merge_form.locator(f"input[name=keep_phone][value='{newer}']")).to_be_checked()
    expect(merge_form.locator(f"input[name=keep_name][value='{older}']")).to_be_checked()
    camera(staff, "field-by-field")
    # The newer record's first name and e-mail address are the right ones.
    merge_form.locator(f"input[name=keep_name][value='{newer}']").check()
    merge_form.locator(f"input[name=keep_email][value='{newer}']").check()
    merge_form.locator("button[type=submit]", has_text="Samenvoegen").click()

    expect(staff.locator(".messages")).to_contain_text(
        f"Jan de Vriesma ({OLDER}) blijft; Johannes de Vriesma ({NEWER}) is opgegaan in dit contact."
    )
    expect(staff.locator("h1")).to_have_text("Johannes de Vriesma")
    expect(staff.locator(".page-head")).to_contain_text(OLDER)  # kept as the other address
    camera(staff, "merged")
    assert contact_state(orm, older, newer) == [(older, "Johannes", NEWER, "+31612345678"), (older, OLDER)]

    # Undo from the history: both records are back as they were.
    staff.locator("#merges button", has_text="Samenvoegen ongedaan maken").click()
    expect(staff.locator(".messages")).to_contain_text(
        f"De samenvoeging is ongedaan gemaakt: Johannes de Vriesma ({NEWER}) is weer een eigen contactpersoon."
    )
    expect(staff.locator("h1")).to_have_text("Johannes de Vriesma")
    camera(staff, "undone")
    assert contact_state(orm, older, newer) == before
