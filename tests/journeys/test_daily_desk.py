"""Journey (f), issue 16: a support employee's Monday morning at the desk.

From the home page's work list to the unassigned queue; she takes a task, replies and waits
for the customer (the SLA clock stands still); she finds the task again by the customer's KvK
number in the top bar's search, and closes three tasks in one bulk action with one reply.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.journeys.conftest import SUPPLIER_SCHEMA
from tests.journeys.test_portal_trust import on_a_phone
from tests.journeys.test_relink import staff_login

STAFF = "staff@journey.test"
REPLY = "Goedemorgen, we kijken ernaar. Kunt u de foutmelding als schermafdruk sturen?"
BULK_REPLY = "Deze vraag is opgelost met de update van vannacht. Laat het ons weten als het nog misgaat."


def test_a_monday_morning_at_the_desk(live_site, new_page, camera, orm):
    from tasks.models import Task

    staff = new_page()
    staff_login(staff, live_site, SUPPLIER_SCHEMA, STAFF)

    # The home page is a work list: the unassigned count links to that queue.
    unassigned = staff.locator(".worklist a", has_text="Niet toegewezen")
    expect(unassigned).to_be_visible()
    camera(staff, "home")
    on_a_phone(staff, "home")
    unassigned.click()
    expect(staff.locator(".queue.is-current")).to_have_text("Niet toegewezen")
    camera(staff, "unassigned-queue")

    # She takes the first linked task of the queue.
    with orm(SUPPLIER_SCHEMA):
        task = (
            Task.objects.filter(assignee__isnull=True, status__in=["new", "open"], links__relation__coc_number__gt="")
            .order_by("-created_at", "-pk")
            .first()
        )
        coc_number = task.links.first().relation.coc_number
    staff.goto(live_site.url(SUPPLIER_SCHEMA, f"/tasks/{task.pk}/"))
    staff.locator("form.take-form button").click()
    expect(staff.locator(".messages")).to_contain_text(f"Taak #{task.pk} is nu van u")

    # A public reply that waits for the customer: the SLA clock stands still.
    expect(staff.locator("#task-sla")).not_to_contain_text("Gepauzeerd")
    staff.check("#composer input[name=kind][value=reply]")
    staff.fill("#composer #id_body", REPLY)
    staff.select_option("#composer #id_set_status", "waiting")
    staff.locator("#composer button[type=submit]").click()
    expect(staff.locator(".messages")).to_contain_text("Openbaar antwoord verstuurd")
    expect(staff.locator("#task-sla")).to_contain_text("Gepauzeerd: wacht op de klant")
    camera(staff, "sla-paused")
    with orm(SUPPLIER_SCHEMA):
        waiting = Task.objects.get(pk=task.pk)
        assert waiting.status == "waiting" and waiting.sla_paused_at is not None
        assert waiting.assignee.username == STAFF

    # Later, the customer calls with their KvK number: the top bar's search finds the task.
    staff.goto(live_site.url(SUPPLIER_SCHEMA, "/"))
    staff.keyboard.press("/")
    expect(staff.locator("#global-search")).to_be_focused()
    staff.keyboard.type(coc_number)
    staff.keyboard.press("Enter")
    expect(staff.locator(f'main a[href="/tasks/{task.pk}/"]').first).to_be_visible()
    camera(staff, "found-by-kvk")

    # Three tasks closed in one bulk action, with one public reply each.
    staff.goto(live_site.url(SUPPLIER_SCHEMA, "/tasks/?queue=open"))
    boxes = staff.locator('table.list tbody input[name="task_ids"]')
    chosen = [int(boxes.nth(row).get_attribute("value")) for row in range(3)]
    for row in range(3):
        boxes.nth(row).check()
    bulk = staff.locator("#bulk-form")
    bulk.locator("select[name=action]").select_option("close")
    bulk.locator("textarea[name=body]").fill(BULK_REPLY)
    camera(staff, "bulk-close")
    bulk.locator("button[type=submit]").click()
    expect(staff.locator(".messages")).to_contain_text("3")
    camera(staff, "bulk-closed")
    with orm(SUPPLIER_SCHEMA):
        closed = Task.objects.filter(pk__in=chosen)
        assert sorted(closed.values_list("status", flat=True)) == ["closed"] * 3
        for done in closed:
            assert done.messages.filter(kind="reply", body=BULK_REPLY).count() == 1
    # Each closed task tells the story in one timeline entry.
    staff.goto(live_site.url(SUPPLIER_SCHEMA, f"/tasks/{chosen[0]}/"))
    expect(staff.locator(".timeline-entry", has_text="Bulkactie")).to_have_count(1)
    on_a_phone(staff, "bulk-closed task")
