"""Journey (b): staff relink a contractant from one relation to another, see the open tasks
arrive at the new relation (and the customer see the new relation name), then undo."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.journeys.conftest import CUSTOMER_SCHEMAS, PASSWORD, SUPPLIER_SCHEMA

OLD, NEW = "Bakkerij Jansen V.O.F.", "Jansen Brood & Banket B.V."


def open_tasks_of(orm, customer_number: str) -> set[int]:
    with orm(SUPPLIER_SCHEMA):
        from tasks.models import Task

        return set(
            Task.objects.filter(links__relation__customer_number=customer_number)
            .exclude(status=Task.Status.CLOSED)
            .values_list("pk", flat=True)
        )


def staff_login(page, live_site, schema_name: str, email: str) -> None:
    page.goto(live_site.url(schema_name, "/login/"))
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main button.button-primary")
    expect(page).to_have_url(live_site.url(schema_name, "/"))


def task_numbers_on(page) -> set[int]:
    return {int(cell) for cell in page.locator("main table.list tbody tr td:nth-child(2)").all_inner_texts()}


def test_staff_relink_a_contractant_check_the_moved_tasks_and_undo(live_site, new_page, camera, orm):
    moving, staying = open_tasks_of(orm, "K1001"), open_tasks_of(orm, "K1002")
    assert moving, "the demo data gives the old relation open tasks"

    staff = new_page()
    staff_login(staff, live_site, SUPPLIER_SCHEMA, "staff@journey.test")
    staff.goto(live_site.url(SUPPLIER_SCHEMA, "/relations/"))
    staff.fill("#id_q", "bakkerij")
    staff.locator("main a", has_text=OLD).first.click()
    expect(staff.locator("h1")).to_have_text(OLD)
    staff.locator("nav.tabs a", has_text="Abonnementen").click()
    expect(staff.locator("#tab-panel")).to_contain_text("Reis Bakkerij Jansen")
    camera(staff, "old-relation-subscriptions")

    staff.click("a.button-primary[href*=relink]")
    staff.fill("#relink-search", "brood")
    choice = staff.locator("#relink-results label", has_text=NEW)
    expect(choice).to_be_visible()
    camera(staff, "pick-new-relation")
    choice.locator("input[type=radio]").check()
    staff.click("main form.card button[type=submit]")

    # The preview names both relations and exactly the open tasks that will move.
    preview = staff.locator(".preview")
    expect(preview).to_contain_text(OLD)
    expect(preview).to_contain_text(NEW)
    expect(preview.locator("dt:has-text('Open taken die meegaan') + dd")).to_have_text(str(len(moving)))
    expect(preview.locator(".task-preview li")).to_have_count(len(moving))
    camera(staff, "preview")
    preview.locator("button[type=submit]").click()

    expect(staff.locator(".messages")).to_contain_text(
        f"Reis Bakkerij Jansen is nu gekoppeld aan {NEW}; {len(moving)} open taken zijn meeverplaatst."
    )
    expect(staff.locator("h1")).to_have_text(NEW)
    camera(staff, "relinked")

    # The new relation's task tab lists its own open tasks and every moved one.
    staff.locator("nav.tabs a", has_text="Taken").click()
    expect(staff.locator("main table.list tbody tr")).to_have_count(len(moving | staying))
    assert task_numbers_on(staff) == moving | staying
    camera(staff, "moved-tasks-on-new-relation")
    assert open_tasks_of(orm, "K1001") == set()

    # The customer's staff see their supplier's tasks under the new relation name.
    customer = new_page()
    customer_schema = CUSTOMER_SCHEMAS["bakkerij_jansen"]
    staff_login(customer, live_site, customer_schema, "beheer@journey-bakkerij.test")
    customer.goto(live_site.url(customer_schema, "/tasks/support/"))
    expect(customer.locator(".lead")).to_contain_text(NEW)
    expect(customer.locator("main table.list tbody tr")).to_have_count(len(moving | staying))
    camera(customer, "customer-sees-new-relation")

    # Undo from the old relation's history: everything goes back.
    staff.goto(live_site.url(SUPPLIER_SCHEMA, "/relations/"))
    staff.fill("#id_q", "bakkerij")
    staff.locator("main a", has_text=OLD).first.click()
    staff.locator("nav.tabs a", has_text="Tasks").or_(staff.locator("nav.tabs a", has_text="Taken")).click()
    expect(staff.locator("main p.empty")).to_have_text("Deze relatie heeft geen open taken.")
    staff.locator("nav.tabs a", has_text="Geschiedenis").click()
    camera(staff, "history-with-relink")
    staff.locator("#tab-panel button", has_text="Ongedaan maken").click()
    expect(staff.locator(".messages")).to_contain_text(
        re.compile(
            rf"Omhangen ongedaan gemaakt: Reis Bakkerij Jansen is weer gekoppeld aan {re.escape(OLD)} "
            rf"en {len(moving)} taken zijn teruggezet\."
        )
    )
    camera(staff, "undone")
    assert open_tasks_of(orm, "K1001") == moving
    assert open_tasks_of(orm, "K1002") == staying

    customer.reload()
    expect(customer.locator(".lead")).to_contain_text(OLD)
    camera(customer, "customer-sees-old-relation-again")


def test_the_security_log_is_for_staff_administrators_only(live_site, new_page, camera):
    from demo.contractants import DEMO_PASSWORD

    admin = new_page()
    staff_login(admin, live_site, SUPPLIER_SCHEMA, "staff@journey.test")
    admin.locator("nav.mainnav a", has_text="Beveiligingslog").click()
    expect(admin.locator("h1")).to_have_text("Beveiligingslog")
    # The login a moment ago is the newest staff login in the log, with who and from where.
    admin.select_option("select[name=kind]", "staff_login")
    newest = admin.locator("main table tbody tr").first
    expect(newest).to_contain_text("Aanmelding medewerker")
    expect(newest).to_contain_text("staff@journey.test")
    expect(newest).to_contain_text("127.0.0.1")
    camera(admin, "security-log")

    colleague = new_page()
    colleague.goto(live_site.url(SUPPLIER_SCHEMA, "/login/"))
    colleague.fill("#id_username", "medewerker@journey.test")
    colleague.fill("#id_password", DEMO_PASSWORD)
    colleague.click("main button.button-primary")
    expect(colleague.locator("nav.mainnav")).to_contain_text("Taken")
    expect(colleague.locator("nav.mainnav")).not_to_contain_text("Beveiligingslog")
    response = colleague.goto(live_site.url(SUPPLIER_SCHEMA, "/audit/"))
    assert response.status == 403
    expect(colleague.locator("h1")).to_have_text("Geen toegang")
    expect(colleague.get_by_role("link", name="Terug naar de startpagina")).to_have_attribute("href", "/")
    camera(colleague, "colleague-refused")


def test_undo_keeps_a_task_that_was_linked_to_both_relations_on_both(live_site, new_page, camera, orm):
    """Issue 18: a task linked to the old and the new relation before the relink is linked to both
    again after the undo (the relink only dropped its old link; the undo must not move the new one)."""
    moving = open_tasks_of(orm, "K1001")
    task_pk = min(moving)

    staff = new_page()
    staff_login(staff, live_site, SUPPLIER_SCHEMA, "staff@journey.test")
    links = staff.locator("#task-links .link-list")

    # The support employee links the task to the new relation too, on the task's page.
    staff.goto(live_site.url(SUPPLIER_SCHEMA, f"/tasks/{task_pk}/"))
    # A second search replaces the first one's results (the picker keeps its box).
    staff.fill("#link-search", "geen-zo-relatie")
    expect(staff.locator("#link-results")).to_contain_text("Geen relatie")
    staff.fill("#link-search", "brood")
    staff.locator("#link-results label", has_text=NEW).locator("input[type=radio]").check()
    staff.locator("#task-links button[type=submit]", has_text="Koppelen").click()
    expect(links).to_contain_text(NEW)
    expect(links).to_contain_text(OLD)
    camera(staff, "task-linked-to-both")

    # Relink: the task leaves the old relation and stays on the new one.
    staff.goto(live_site.url(SUPPLIER_SCHEMA, "/relations/"))
    staff.fill("#id_q", "bakkerij")
    staff.locator("main a", has_text=OLD).first.click()
    staff.locator("nav.tabs a", has_text="Abonnementen").click()
    staff.click("a.button-primary[href*=relink]")
    staff.fill("#relink-search", "brood")
    staff.locator("#relink-results label", has_text=NEW).locator("input[type=radio]").check()
    staff.click("main form.card button[type=submit]")
    staff.locator(".preview button[type=submit]").click()
    message = staff.locator(".messages")
    expect(message).to_contain_text(f"Reis Bakkerij Jansen is nu gekoppeld aan {NEW}")
    undo = message.locator("button", has_text="Deze omhanging ongedaan maken")
    expect(undo).to_be_visible()
    with orm(SUPPLIER_SCHEMA):
        from tasks.models import TaskLink

        assert set(TaskLink.objects.filter(task_id=task_pk).values_list("relation__name", flat=True)) == {NEW}

    # Undo, from the success message's own button.
    undo.click()
    expect(staff.locator(".messages")).to_contain_text("Omhangen ongedaan gemaakt")

    # Both links are back: the old one restored, the new one kept.
    staff.goto(live_site.url(SUPPLIER_SCHEMA, f"/tasks/{task_pk}/"))
    expect(links).to_contain_text(OLD)
    expect(links).to_contain_text(NEW)
    camera(staff, "task-linked-to-both-after-undo")
    assert open_tasks_of(orm, "K1001") == moving
