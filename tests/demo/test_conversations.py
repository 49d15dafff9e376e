"""The demo's conversations (issue 15, deliverable 7): what a newcomer sees after `make run`."""

from __future__ import annotations

from demo.supplier import demo_pdf, demo_png, seed_supplier_demo
from tasks.models import Task, TaskAttachment, TaskMessage
from tasks.selectors import public_messages
from tests.conftest import SUPPLIER


def test_the_demo_has_a_payslip_conversation_an_email_reply_a_note_and_a_held_email(supplier_user):
    seed_supplier_demo(actor_email=SUPPLIER.staff_email, customers={}, task_count=3)

    payslip = Task.objects.get(subject__startswith="Loonstrook maart")
    assert payslip.status == Task.Status.WAITING
    kinds = list(payslip.messages.values_list("kind", "channel"))
    assert kinds == [("reply", "portal"), ("note", "staff"), ("reply", "staff")]
    files = {attachment.name: attachment.content_type for attachment in TaskAttachment.objects.filter(task=payslip)}
    assert files == {"loonstrook-maart.pdf": "application/pdf", "schermafdruk-verlof.png": "image/png"}
    assert all("Niet aan de klant" not in message.body for message in public_messages(payslip))
    assert TaskMessage.objects.filter(channel="email", kind="reply").exists()
    assert TaskMessage.objects.filter(held_for_review=True).count() == 1


def test_the_demo_files_are_what_they_say():
    assert demo_pdf("x").startswith(b"%PDF-1.4") and demo_pdf("x").rstrip().endswith(b"%%EOF")
    assert demo_png().startswith(b"\x89PNG\r\n\x1a\n")
