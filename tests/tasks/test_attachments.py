"""Attachments on staff messages (issue 15): checked by content, stored per contractant, and
downloaded only through the access-checked staff view."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import translation

from tasks.attachments import MAX_NAME_LENGTH, check_file, clean_name, store_attachments
from tasks.conversation import post_staff_message
from tasks.models import TaskAttachment, TaskMessage
from tests.conftest import ALPHA, SUPPLIER, logged_in_staff
from tests.factories import TaskFactory

# --- Files, made here so nothing binary is checked in --------------------------------------


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


PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
# The start of a Windows program (MZ header, PE signature).
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def zip_bytes(entries: dict[str, str], *, first: tuple[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if first:
            archive.writestr(zipfile.ZipInfo(first[0]), first[1])  # stored, as ODF asks
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- Fixtures and helpers -------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Every test writes into a folder of its own, so "nothing on disk" can be checked."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


@pytest.fixture
def staff(in_supplier):
    client = logged_in_staff(SUPPLIER)
    client.post("/i18n/setlang/", {"language": "en"})
    return client


@pytest.fixture
def task(in_supplier):
    return TaskFactory(subject="Loonstrook januari")


def post_message(client, task, *files, kind="reply", body="Zie de bijlage.", follow=False):
    return client.post(
        f"/tasks/{task.pk}/messages/",
        {"kind": kind, "body": body, "files": list(files), "set_status": ""},
        follow=follow,
    )


def file_url(attachment: TaskAttachment) -> str:
    return f"/tasks/{attachment.task_id}/files/{attachment.code}/"


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def staff_note_with_a_file(task, user, name="intern.pdf", content=PDF) -> TaskAttachment:
    message = post_staff_message(
        task=task, body="Alleen voor ons.", kind=TaskMessage.Kind.NOTE, actor=user, files=[upload(name, content)]
    )
    return message.attachments.get()


# --- Storing through the staff message form -----------------------------------------------


def test_a_pdf_and_a_png_are_stored_with_the_type_their_content_has(staff, task, media):
    # The browser's content types are wrong on purpose: only the bytes count.
    response = post_message(
        staff, task, upload("loonstrook.pdf", PDF, "text/html"), upload("scherm.png", png_bytes(), "image/svg+xml")
    )

    assert response.status_code == 302
    message = TaskMessage.objects.get(task=task)
    stored = {a.name: a for a in message.attachments.all()}
    assert {name: a.content_type for name, a in stored.items()} == {
        "loonstrook.pdf": "application/pdf",
        "scherm.png": "image/png",
    }
    pdf = stored["loonstrook.pdf"]
    assert pdf.size == len(PDF) and pdf.task == task
    # Per contractant, then per task; the stored name is the attachment's code, not the file's.
    assert pdf.file.name == f"supplier/tasks/{task.code}/{pdf.code}"
    assert (media / pdf.file.name).read_bytes() == PDF


def test_an_exe_renamed_pdf_is_refused_and_nothing_of_the_message_is_stored(staff, task, media):
    response = post_message(staff, task, upload("scherm.png", png_bytes()), upload("factuur.pdf", EXE), follow=True)

    html = response.content.decode()
    assert "“factuur.pdf” was not added: its content is a program, not a document or an image." in html
    assert not TaskMessage.objects.filter(task=task).exists()
    assert not TaskAttachment.objects.exists()
    assert stored_files(media) == []


def test_a_file_over_the_size_limit_is_refused(staff, task, media, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024

    response = post_message(staff, task, upload("groot.pdf", PDF + b"0" * 2048), follow=True)

    assert "“groot.pdf” was not added: it is 2.1\xa0KB; one file may be at most 1.0\xa0KB." in response.content.decode()
    assert not TaskMessage.objects.filter(task=task).exists()
    assert stored_files(media) == []


def test_the_files_of_one_message_have_a_total_limit(staff, task, media, settings):
    settings.ATTACHMENT_MAX_MESSAGE_BYTES = len(PDF) + 10

    response = post_message(staff, task, upload("een.pdf", PDF), upload("twee.pdf", PDF), follow=True)

    assert "one message may carry at most" in response.content.decode()
    assert not TaskMessage.objects.filter(task=task).exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [("pagina.html", HTML), ("pagina.txt", HTML), ("logo.svg", SVG), ("logo.png", SVG), ("notities.txt", b"  <html>")],
)
def test_html_and_svg_are_refused_whatever_their_name(staff, task, media, name, content):
    response = post_message(staff, task, upload(name, content, "image/png"), follow=True)

    assert f"“{name}” was not added: its content is a web page or an SVG image" in response.content.decode()
    assert not TaskAttachment.objects.exists()
    assert stored_files(media) == []


def test_every_refused_file_is_named(staff, task):
    response = post_message(staff, task, upload("a.pdf", EXE), upload("b.html", HTML), follow=True)

    html = response.content.decode()
    assert "“a.pdf” was not added" in html and "“b.html” was not added" in html


def test_a_file_written_before_a_failing_save_is_removed(task, supplier_user, media, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(TaskAttachment, "save", refuse)

    with pytest.raises(RuntimeError):
        store_attachments(task=task, message=None, files=[upload("a.pdf", PDF)], user=supplier_user)

    assert stored_files(media) == []


# --- What a file is: by content ---------------------------------------------------------------


@pytest.fixture
def english():
    with translation.override("en"):
        yield


OFFICE = {
    "rapport.docx": zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}),
    "lonen.xlsx": zip_bytes({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}),
    "brief.odt": zip_bytes({"content.xml": "<x/>"}, first=("mimetype", "application/vnd.oasis.opendocument.text")),
    "lonen.ods": zip_bytes(
        {"content.xml": "<x/>"}, first=("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    ),
}


@pytest.mark.parametrize(
    ("name", "content", "stored_as", "content_type"),
    [
        (
            "foto.jpg",
            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9",
            "foto.jpg",
            "image/jpeg",
        ),
        ("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "anim.gif", "image/gif"),
        ("foto.webp", b"RIFF\x1a\x00\x00\x00WEBPVP8 " + b"\x00" * 20, "foto.webp", "image/webp"),
        ("lonen.csv", "Naam;Bedrag\nJosé;€ 12,50\n".encode(), "lonen.csv", "text/csv"),
        ("export.csv", "Naam;Bedrag\nJosé;€ 12,50\n".encode("cp1252"), "export.csv", "text/csv"),
        # Text that starts like a magic number by chance (a bitmap's "BM") is still text.
        ("auto.csv", b"BMW;X3;2024\nAudi;A4;2023\n", "auto.csv", "text/csv"),
        ("Scan.PDF", PDF, "Scan.PDF", "application/pdf"),
        # No extension, or one that is no type of ours: the content's own is added.
        ("scan", PDF, "scan.pdf", "application/pdf"),
        ("opruimen.bat", b"@echo off\r\ndel *.*\r\n", "opruimen.bat.txt", "text/plain"),
        *[(name, content, name, None) for name, content in OFFICE.items()],
    ],
)
def test_allowed_types_are_known_by_their_content(english, name, content, stored_as, content_type):
    checked = check_file(upload(name, content, "text/html"))

    assert checked.name == stored_as
    if content_type:
        assert checked.content_type == content_type
    else:
        assert checked.content_type.startswith("application/vnd.")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("factuur.pdf", EXE, "its content is a program"),
        ("factuur.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "its content is a program"),
        ("bestanden.zip", zip_bytes({"a.txt": "x"}), "its content is an archive (ZIP)"),
        ("rapport.docx", zip_bytes({"a.txt": "x"}), "its content is an archive (ZIP)"),
        (
            "macro.docx",
            zip_bytes({"[Content_Types].xml": "<T/>", "word/document.xml": "<w/>", "word/vbaProject.bin": "x"}),
            "it contains macros",
        ),
        ("kapot.docx", b"PK\x03\x04" + b"\x00" * 40, "it is damaged"),
        ("scherm.pdf", png_bytes(), "its content is a PNG image, but its name ends in .pdf"),
        ("geluid.wav", b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 20, "this kind of file is not accepted"),
        ("binair.txt", b"abc\x01\x02\x03def", "this kind of file is not accepted"),
        ("tekening.txt", b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"><svg/>', "its content is a web page"),
        ("opmerking.txt", b"<!--x--><script>alert(1)</script>", "its content is a web page"),
        ("leeg.txt", b"", "it is empty"),
    ],
)
def test_other_content_is_refused_with_its_reason(english, name, content, reason):
    with pytest.raises(ValidationError) as refused:
        check_file(upload(name, content, "application/pdf"))

    assert refused.value.messages[0].startswith(f"“{name}” was not added: {reason}")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\system.ini.pdf", "system.ini.pdf"),
        ("C:\\Users\\jan\\loonstrook.pdf", "loonstrook.pdf"),
        ("loon\x00strook\r\n.pdf", "loonstrook.pdf"),
        # A right-to-left override would show "factuurexe.pdf" for a file named …exe.
        ("factuur\u202efdp.exe", "factuurfdp.exe"),
        ("..", "file"),
        (".htaccess", "htaccess"),
        ('a<b>c:"d"|e?f*.pdf', "a_b_c__d__e_f_.pdf"),
        ("CON.txt", "_CON.txt"),
        ("Jan. de Vries", "Jan. de Vries"),
    ],
)
def test_names_are_cleaned(english, raw, clean):
    assert clean_name(raw) == clean


def test_a_long_name_is_capped_and_keeps_its_extension():
    name = clean_name("x" * 300 + ".pdf")

    assert len(name) == MAX_NAME_LENGTH and name.endswith("x.pdf")


def test_path_traversal_in_a_name_never_leaves_the_tasks_folder(task, supplier_user, media):
    # The form's parser already drops path parts; a caller without one (e-mail in) relies on this.
    attachment = store_attachments(
        task=task, message=None, files=[ContentFile(PDF, name="../../../../etc/cron.d/x.pdf")], user=supplier_user
    )[0]

    assert attachment.name == "x.pdf"
    assert attachment.file.name == f"supplier/tasks/{task.code}/{attachment.code}"
    assert stored_files(media) == [media / attachment.file.name]


# --- Downloading --------------------------------------------------------------------------


@pytest.fixture
def pdf_attachment(staff, task) -> TaskAttachment:
    post_message(staff, task, upload("loonstrook januari.pdf", PDF))
    return TaskAttachment.objects.get(name="loonstrook januari.pdf")


@pytest.fixture
def png_attachment(staff, task) -> TaskAttachment:
    post_message(staff, task, upload("scherm.png", png_bytes()))
    return TaskAttachment.objects.get(name="scherm.png")


def test_a_download_is_an_attachment_that_is_never_sniffed_or_run(staff, pdf_attachment):
    response = staff.get(file_url(pdf_attachment))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="loonstrook januari.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"].startswith("private")
    assert body_of(response) == PDF


def test_a_name_beyond_ascii_is_sent_as_rfc_5987(staff, task):
    post_message(staff, task, upload("loonstrook-€-één.pdf", PDF))
    attachment = TaskAttachment.objects.get()

    response = staff.get(file_url(attachment))

    assert response["Content-Disposition"] == "attachment; filename*=utf-8''loonstrook-%E2%82%AC-%C3%A9%C3%A9n.pdf"


def test_only_images_are_shown_inline(staff, pdf_attachment, png_attachment):
    image = staff.get(file_url(png_attachment) + "?inline=1")
    pdf = staff.get(file_url(pdf_attachment) + "?inline=1")

    assert image["Content-Disposition"] == 'inline; filename="scherm.png"'
    assert image["Content-Type"] == "image/png"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert image["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert pdf["Content-Disposition"].startswith("attachment;")


def test_a_row_with_a_type_from_before_the_check_is_sent_as_bytes(staff, png_attachment):
    TaskAttachment.objects.filter(pk=png_attachment.pk).update(content_type="image/svg+xml")

    response = staff.get(file_url(png_attachment) + "?inline=1")

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_an_internal_notes_file_is_there_for_staff(staff, task, supplier_user):
    attachment = staff_note_with_a_file(task, supplier_user)

    assert staff.get(file_url(attachment)).status_code == 200


def test_a_file_of_another_task_answers_404(staff, task, pdf_attachment):
    other = TaskFactory(subject="Iets anders")

    assert staff.get(f"/tasks/{other.pk}/files/{pdf_attachment.code}/").status_code == 404
    assert staff.get(f"/tasks/{task.pk}/files/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_staff_of_another_contractant_get_404(in_supplier, pdf_attachment, alpha):
    supplier = connection.tenant
    code, task_pk = pdf_attachment.code, pdf_attachment.task_id
    connection.set_tenant(alpha)
    own_task = TaskFactory(subject="Taak van Alpha")
    alpha_staff = logged_in_staff(ALPHA)

    assert alpha_staff.get(f"/tasks/{task_pk}/files/{code}/").status_code == 404
    assert alpha_staff.get(f"/tasks/{own_task.pk}/files/{code}/").status_code == 404
    connection.set_tenant(supplier)


def test_a_stored_file_has_no_address_of_its_own(staff, pdf_attachment, settings):
    # Nothing serves MEDIA_ROOT: the storage path, under any prefix, is no page.
    assert settings.MEDIA_URL in ("", "/")
    assert staff.get(f"/{pdf_attachment.file.name}").status_code == 404
    assert staff.get(f"/media/{pdf_attachment.file.name}").status_code == 404


def test_a_download_costs_a_fixed_number_of_queries(staff, task, png_attachment, django_assert_max_num_queries):
    for _ in range(5):
        post_message(staff, task, upload("nog een.pdf", PDF))

    # The user; the task with its links, messages and their files (get_task_for_staff); the file;
    # django-tenants sends a SET search_path before each of them.
    with django_assert_max_num_queries(12):
        body_of(staff.get(file_url(png_attachment)))


def test_anonymous_users_are_sent_to_the_login_page(pdf_attachment):
    from tests.conftest import client_for

    response = client_for(SUPPLIER).get(file_url(pdf_attachment))

    assert response.status_code == 302 and response["Location"].startswith("/login/")


# --- The list partial ---------------------------------------------------------------------


def test_the_partial_lists_names_sizes_and_thumbnails_for_images_only(task, pdf_attachment, png_attachment):
    with translation.override("en"):
        html = render_to_string(
            "tasks/_attachments.html", {"attachments": [pdf_attachment, png_attachment], "task": task}
        )

    assert f'<a href="{file_url(pdf_attachment)}">loonstrook januari.pdf</a>' in html
    assert f'<img src="{file_url(png_attachment)}?inline=1"' in html
    assert f'src="{file_url(pdf_attachment)}?inline=1"' not in html
    assert str(filesizeformat(len(PDF))) in html
