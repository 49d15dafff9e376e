"""Attachments in the portal (issue 15): a customer downloads only the public files of a task
they may open; internal notes' and held e-mails' files answer 404 like missing ones."""

from __future__ import annotations

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string

from tasks.conversation import hold_message_for_review, post_staff_message, publish_held_message
from tasks.models import TaskAttachment, TaskMessage
from tests.factories import TaskFactory
from tests.portal.conftest import anonymous_client, form_errors, org_url, page, portal_client

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 64


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


@pytest.fixture
def task(accountant, bakkerij):
    return TaskFactory(relations=[bakkerij], reporter=accountant, subject="Loonstrook klopt niet")


def file_url(relation, attachment: TaskAttachment) -> str:
    return org_url(relation, f"tasks/{attachment.task.code}/files/{attachment.code}/")


def staff_file(task, user, *, kind=TaskMessage.Kind.REPLY, name="loonstrook.pdf", content=PDF) -> TaskAttachment:
    message = post_staff_message(
        task=task, body="Zie de bijlage.", kind=kind, actor=user, files=[upload(name, content)]
    )
    return message.attachments.get()


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


# --- What a customer may download -----------------------------------------------------------


def test_a_customer_downloads_the_file_of_a_public_reply(accountant, bakkerij, supplier_user, task):
    attachment = staff_file(task, supplier_user)

    response = portal_client(accountant).get(file_url(bakkerij, attachment))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="loonstrook.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"].startswith("private")
    assert body_of(response) == PDF


def test_only_images_are_shown_inline_in_the_portal(accountant, bakkerij, supplier_user, task):
    image = staff_file(task, supplier_user, name="scherm.png", content=png_bytes())
    pdf = staff_file(task, supplier_user)
    client = portal_client(accountant)

    shown = client.get(file_url(bakkerij, image) + "?inline=1")
    downloaded = client.get(file_url(bakkerij, pdf) + "?inline=1")

    assert shown["Content-Disposition"] == 'inline; filename="scherm.png"'
    assert shown["X-Content-Type-Options"] == "nosniff"
    assert shown["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert downloaded["Content-Disposition"].startswith("attachment;")


def test_an_internal_notes_file_answers_404_in_the_portal_but_200_for_staff(
    accountant, bakkerij, supplier_user, staff_en, task
):
    attachment = staff_file(task, supplier_user, kind=TaskMessage.Kind.NOTE, name="intern.pdf")

    assert portal_client(accountant).get(file_url(bakkerij, attachment)).status_code == 404
    assert staff_en.get(f"/tasks/{task.pk}/files/{attachment.code}/").status_code == 200


def test_a_held_emails_file_answers_404_in_the_portal_until_staff_publish_it(accountant, bakkerij, supplier_user, task):
    held = hold_message_for_review(
        task=task, body="Hier mijn bankgegevens", sender="vreemde@elders.test", files=[upload("iban.pdf", PDF)]
    )
    attachment = held.attachments.get()
    client = portal_client(accountant)

    assert client.get(file_url(bakkerij, attachment)).status_code == 404

    publish_held_message(message=held, actor=supplier_user)

    assert client.get(file_url(bakkerij, attachment)).status_code == 200


def test_a_file_on_the_task_itself_is_public(accountant, bakkerij, supplier_user, task):
    from tasks.attachments import store_attachments

    attachment = store_attachments(task=task, message=None, files=[upload("melding.pdf", PDF)], user=supplier_user)[0]

    assert portal_client(accountant).get(file_url(bakkerij, attachment)).status_code == 200


def test_a_portal_download_costs_a_fixed_number_of_queries(
    accountant, bakkerij, supplier_user, task, django_assert_max_num_queries
):
    attachment = staff_file(task, supplier_user)
    for _ in range(5):
        staff_file(task, supplier_user)
    client = portal_client(accountant)

    # The user, their contact and memberships, the task, the file (the public replies a subquery of
    # it), each after django-tenants' SET search_path: the same however much the task holds.
    with django_assert_max_num_queries(12):
        body_of(client.get(file_url(bakkerij, attachment)))


# --- Who may not --------------------------------------------------------------------------


def test_a_portal_user_of_another_organisation_gets_404(accountant, bakkerij, supplier_user, task, person_p):
    attachment = staff_file(task, supplier_user)
    piet = portal_client(person_p)
    piets_org = person_p.person_relation

    assert piet.get(file_url(bakkerij, attachment)).status_code == 404
    assert piet.get(file_url(piets_org, attachment)).status_code == 404


def test_another_organisation_of_the_same_user_is_no_way_in(
    accountant, bakkerij, bouwbedrijf, cafe, supplier_user, task, org_admin
):
    attachment = staff_file(task, supplier_user)
    client = portal_client(accountant)
    someone_elses = TaskFactory(relations=[bouwbedrijf], reporter=org_admin, subject="Uren")
    their_file = staff_file(someone_elses, supplier_user)

    # Anneke sees the task at Bakkerij; through Bouwbedrijf (own tickets) or Café (no access) she does not.
    assert client.get(file_url(bouwbedrijf, attachment)).status_code == 404
    assert client.get(file_url(cafe, attachment)).status_code == 404
    # At Bouwbedrijf she sees only her own tickets: not another reporter's, nor its files.
    assert client.get(file_url(bouwbedrijf, their_file)).status_code == 404


def test_a_file_of_another_task_through_this_tasks_address_answers_404(
    accountant, bakkerij, supplier_user, task, org_admin
):
    other = TaskFactory(relations=[bakkerij], reporter=org_admin, subject="Kassa")
    elsewhere = staff_file(other, supplier_user)
    client = portal_client(accountant)

    assert client.get(org_url(bakkerij, f"tasks/{task.code}/files/{elsewhere.code}/")).status_code == 404
    assert client.get(org_url(bakkerij, f"tasks/{other.code}/files/{elsewhere.code}/")).status_code == 200


def test_anonymous_visitors_are_sent_to_the_portal_login(bakkerij, supplier_user, task):
    attachment = staff_file(task, supplier_user)

    response = anonymous_client().get(file_url(bakkerij, attachment))

    assert response.status_code == 302 and response["Location"].startswith("/portal/login/")


# --- A customer's files, through the portal's reply form -------------------------------------


def test_a_customer_reply_with_files_stores_them_by_their_content(accountant, bakkerij, task, media):
    client = portal_client(accountant)

    response = client.post(
        org_url(bakkerij, f"tasks/{task.code}/"),
        {
            "body": "Hierbij de loonstrook en een schermafdruk.",
            "files": [upload("loon.pdf", PDF), upload("scherm", png_bytes())],
        },
    )

    assert response.status_code == 302
    message = TaskMessage.objects.get(task=task)
    stored = {a.name: (a.content_type, a.uploaded_by_contact) for a in message.attachments.all()}
    assert stored == {"loon.pdf": ("application/pdf", accountant), "scherm.png": ("image/png", accountant)}
    image = message.attachments.get(name="scherm.png")
    assert client.get(file_url(bakkerij, image) + "?inline=1")["Content-Disposition"].startswith("inline;")


def test_a_refused_file_in_the_portal_says_why_and_stores_nothing(accountant, bakkerij, task, media):
    response = portal_client(accountant).post(
        org_url(bakkerij, f"tasks/{task.code}/"),
        {"body": "Zie bijlage", "files": [upload("scherm.png", png_bytes()), upload("factuur.pdf", EXE)]},
    )

    assert response.status_code == 200
    assert form_errors(page(response)) == [
        "“factuur.pdf” was not added: its content is a program, not a document or an image."
    ]
    assert not TaskMessage.objects.filter(task=task).exists()
    assert not TaskAttachment.objects.exists()
    assert stored_files(media) == []


# --- The list partial, portal side ----------------------------------------------------------


def test_the_partial_links_to_the_portal_view_for_the_portal(bakkerij, supplier_user, task):
    image = staff_file(task, supplier_user, name="scherm.png", content=png_bytes())

    html = render_to_string(
        "tasks/_attachments.html", {"attachments": [image], "task": task, "org": bakkerij, "for_portal": True}
    )

    assert f'<a href="{file_url(bakkerij, image)}">scherm.png</a>' in html
    assert f'<img src="{file_url(bakkerij, image)}?inline=1"' in html
    assert "/tasks/" + str(task.pk) + "/files/" not in html
