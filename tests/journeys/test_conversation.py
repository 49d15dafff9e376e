"""Journey (e), issue 15: a conversation with the customer, by portal and by e-mail.

A support employee takes the payslip task, writes an internal note and a public reply with a
screenshot that waits for the customer; the payroll administrator sees only the reply and the
screenshot, in the portal and in the e-mail; she answers that e-mail (with a PDF) over SMTP to
the running mail receiver; the reply and the PDF land in the task's timeline, the task
reopens, and the assignee is told.
"""

from __future__ import annotations

import email
import re
import smtplib
from email.message import EmailMessage
from email.policy import default as default_policy

from playwright.sync_api import expect

from demo.contractants import PORTAL_ACCOUNTANT
from demo.supplier import demo_pdf, demo_png
from tests.journeys.conftest import JOURNEY_FILES, SUPPLIER_SCHEMA
from tests.journeys.test_portal_trust import on_a_phone, portal_login
from tests.journeys.test_relink import staff_login

STAFF = "staff@journey.test"
NOTE = "Intern: cao-tabel van maart was niet geladen, Piet kijkt mee."
REPLY = "We hebben de vakantiedagen gecorrigeerd. Ziet u op de schermafdruk de juiste 16 dagen?"
CUSTOMER_REPLY = "Ja, nu klopt het. In de bijlage de nieuwe loonstrook ter controle."


def sent_mails() -> list[email.message.EmailMessage]:
    """Every e-mail the live processes sent (Django's file backend: messages split by a rule)."""
    mails = []
    for path in sorted((JOURNEY_FILES / "mail").glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                mails.append(email.message_from_bytes(chunk.lstrip(), policy=default_policy))
    return mails


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_conversation_by_portal_and_by_email(live_site, mail_receiver, new_page, camera, orm, tmp_path):
    from tasks.models import Task

    with orm(SUPPLIER_SCHEMA):
        task = Task.objects.get(subject__startswith="Loonstrook maart")
        org_code = task.links.get().relation.code
    screenshot = tmp_path / "schermafdruk.png"
    screenshot.write_bytes(demo_png())
    pdf = demo_pdf("Loonstrook maart - vakantiedagen 16")

    # Monday morning: the support employee takes the task and writes a note, then a reply.
    staff = new_page()
    staff_login(staff, live_site, SUPPLIER_SCHEMA, STAFF)
    staff.goto(live_site.url(SUPPLIER_SCHEMA, f"/tasks/{task.pk}/"))
    staff.select_option("#id_assignee", label=STAFF)
    staff.locator("form.form-grid button.button-primary").click()
    expect(staff.locator(".messages")).to_be_visible()

    staff.check("#composer input[name=kind][value=note]")
    staff.fill("#composer #id_body", NOTE)
    staff.locator("#composer button[type=submit]").click()
    expect(staff.locator(".messages")).to_contain_text("Interne notitie toegevoegd")
    expect(staff.locator(".timeline-entry.entry-note").last).to_contain_text(NOTE)

    staff.check("#composer input[name=kind][value=reply]")
    staff.fill("#composer #id_body", REPLY)
    staff.set_input_files("#composer #id_files", str(screenshot))
    staff.select_option("#composer #id_set_status", "waiting")
    staff.locator("#composer button[type=submit]").click()
    expect(staff.locator(".messages")).to_contain_text("Openbaar antwoord verstuurd")
    reply_entry = staff.locator(".timeline-entry.entry-reply").last
    expect(reply_entry).to_contain_text(REPLY)
    expect(reply_entry.locator("img.attachment-thumb")).to_be_visible()
    camera(staff, "staff-note-and-reply")
    with orm(SUPPLIER_SCHEMA):
        assert Task.objects.get(pk=task.pk).status == Task.Status.WAITING

    # The payroll administrator sees the reply and the screenshot, never the note.
    karin = new_page()
    portal_login(karin, live_site, PORTAL_ACCOUNTANT)
    karin.goto(live_site.url(SUPPLIER_SCHEMA, f"/portal/o/{org_code}/tasks/{task.code}/"))
    expect(karin.locator("main")).to_contain_text(REPLY)
    expect(karin.locator("main")).to_contain_text("We wachten op uw antwoord.")
    assert NOTE not in karin.content() and "Interne notitie" not in karin.content()
    thumbnail = karin.locator("img.attachment-thumb").last
    expect(thumbnail).to_be_visible()
    assert karin.evaluate("(img) => img.naturalWidth", thumbnail.element_handle()) > 0
    camera(karin, "portal-reply")
    on_a_phone(karin, "portal task")

    # ... and in her e-mail: the reply and its screenshot, threaded, answerable.
    [mail] = [m for m in sent_mails() if PORTAL_ACCOUNTANT in m["To"] and REPLY in text_of(m)]
    assert NOTE not in mail.as_string()
    assert [part.get_filename() for part in mail.iter_attachments()] == ["schermafdruk.png"]
    reply_to = mail["Reply-To"].addresses[0].addr_spec
    # The address names the task by its unguessable token (20 hex digits), never by its number.
    assert re.fullmatch(r"reply\+[0-9a-f]{20}", reply_to.split("@")[0])

    # She answers the e-mail with a PDF; it goes over SMTP to the running receiver.
    answer = EmailMessage()
    answer["From"] = f"Karin Jansen <{PORTAL_ACCOUNTANT}>"
    answer["To"] = reply_to
    answer["Subject"] = f"Re: {mail['Subject']}"
    answer["In-Reply-To"] = mail["Message-ID"]
    answer["References"] = mail["Message-ID"]
    answer["Message-ID"] = "<journey-antwoord-1@boekhoudkantoor-jansen.nl>"
    answer.set_content(f"{CUSTOMER_REPLY}\n\nOp 1 dec. 2026 om 09:12 schreef Support:\n> {REPLY}\n")
    answer.add_attachment(pdf, maintype="application", subtype="pdf", filename="loonstrook-maart-nieuw.pdf")
    with smtplib.SMTP("127.0.0.1", mail_receiver, timeout=30) as smtp:
        refused = smtp.send_message(answer)
    assert refused == {}

    # The reply and the PDF are in the timeline, without the quoted text; the task is open again.
    staff.reload()
    customer_entry = staff.locator(".timeline-entry.entry-reply").last
    expect(customer_entry).to_contain_text(CUSTOMER_REPLY)
    expect(customer_entry).to_contain_text("per e-mail")
    expect(customer_entry.get_by_role("link", name="loonstrook-maart-nieuw.pdf")).to_be_visible()
    assert f"> {REPLY}" not in customer_entry.inner_text()
    expect(staff.locator(".page-head .badge")).to_contain_text("Open")
    camera(staff, "customer-replied-by-email")
    with orm(SUPPLIER_SCHEMA):
        assert Task.objects.get(pk=task.pk).status == Task.Status.OPEN

    # The assignee is told, and only the assignee.
    told = [m for m in sent_mails() if CUSTOMER_REPLY in text_of(m) and PORTAL_ACCOUNTANT not in m["To"]]
    assert [m["To"] for m in told] == [STAFF]
