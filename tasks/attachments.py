"""Files on a task's messages: checked by content, stored per contractant, served by access.

What a file is comes from its bytes, never from its name or the content type the browser or
mail client sent: puremagic names the formats with a magic number; a ZIP container's table of
contents tells a Word, Excel or OpenDocument file from any other archive; text is what decodes
cleanly and does not start like markup. Only the types in ALLOWED_TYPES are kept: no HTML, no
SVG, no programs, no archives, no macros. The name is cleaned and must agree with the content
(docs/decisions.md, 2026-12-01 — issue 15: attachments).

Files are written through the field's storage (STORAGES["default"]: the file system, or S3
through django-storages) under `<schema>/tasks/<task code>/<attachment code>`, and only ever
read back by the access-checked views (tasks.attachment_views, portal.attachment_views).
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tasks.models import Task, TaskAttachment, TaskMessage

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_FILES_PER_MESSAGE = 10
# A stored name: long enough for any real file name, short enough for a list and a header.
MAX_NAME_LENGTH = 150
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}
_EXTENSION = re.compile(r"[a-z0-9]{1,10}")


@dataclass(frozen=True)
class FileType:
    content_type: str
    # The first is added to a name that has no extension of this type.
    extensions: tuple[str, ...]
    label: StrOrPromise


PDF = FileType("application/pdf", (".pdf",), gettext_lazy("a PDF document"))
PNG = FileType("image/png", (".png",), gettext_lazy("a PNG image"))
JPEG = FileType("image/jpeg", (".jpg", ".jpeg", ".jfif"), gettext_lazy("a JPEG image"))
GIF = FileType("image/gif", (".gif",), gettext_lazy("a GIF image"))
WEBP = FileType("image/webp", (".webp",), gettext_lazy("a WebP image"))
TEXT = FileType("text/plain", (".txt", ".log"), gettext_lazy("plain text"))
CSV = FileType("text/csv", (".csv", ".tsv"), gettext_lazy("CSV text"))
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
    gettext_lazy("a Word document"),
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), gettext_lazy("an Excel workbook")
)
ODT = FileType("application/vnd.oasis.opendocument.text", (".odt",), gettext_lazy("an OpenDocument text"))
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", (".ods",), gettext_lazy("an OpenDocument spreadsheet"))
ALLOWED_TYPES = (PDF, PNG, JPEG, GIF, WEBP, TEXT, CSV, DOCX, XLSX, ODT, ODS)
# The only types a browser may show inline (?inline=1): raster images. Never SVG.
INLINE_TYPES = frozenset({PNG.content_type, JPEG.content_type, GIF.content_type, WEBP.content_type})
SERVED_TYPES = frozenset(file_type.content_type for file_type in ALLOWED_TYPES)
_MAGIC_TYPES = (PDF, PNG, JPEG, GIF, WEBP)
_ALL_EXTENSIONS = frozenset(extension for file_type in ALLOWED_TYPES for extension in file_type.extensions)
ACCEPTED_EXTENSIONS = tuple(sorted(_ALL_EXTENSIONS))
_ODF_TYPES = {ODT.content_type: ODT, ODS.content_type: ODS}
# puremagic's names for what is a program, whatever it is called.
_PROGRAM_EXTENSIONS = {".exe", ".dll", ".com", ".scr", ".msi", ".sys", ".cpl", ".pif", ".elf", ".so", ".dylib"}
_PROGRAM_WORDS = ("executable", "elf", "mach-o", "script", "java archive", "installer")
_MARKUP_TYPES = {"text/html", "image/svg+xml", "application/xml", "text/xml", "application/xhtml+xml"}
# How a browser sniffs HTML (WHATWG MIME Sniffing, "identifying a resource with an unknown MIME
# type"), plus SVG and XML: text starting like this is refused even under a .txt name.
_MARKUP_START = re.compile(
    r"\s*<(?:(?:!doctype|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|svg|\?xml)[\s/>]|!--)",
    re.IGNORECASE,
)
# Control characters text may not hold: all but tab, line feed, form feed and carriage return.
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check, with what will be stored about it."""

    upload: File
    name: str
    content_type: str
    size: int


class _Refused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def clean_name(raw: str | None) -> str:
    """A file name safe to store, show and send in a header: the last path part only, no
    control or format characters (a right-to-left override can disguise `exe.pdf`), none of
    the characters Windows refuses, no leading dots, at most MAX_NAME_LENGTH characters with
    the extension kept."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(" " if char.isspace() else char for char in name)
    name = "".join(char for char in name if not unicodedata.category(char).startswith("C"))
    name = "".join("_" if char in '<>:"|?*' else char for char in name)
    name = " ".join(name.split()).strip(" .")
    stem, extension = _split_extension(name)
    if stem.upper() in _WINDOWS_RESERVED:
        stem = f"_{stem}"
    stem = stem[: MAX_NAME_LENGTH - len(extension)].rstrip(" .") or _("file")
    return f"{stem}{extension}"


def _split_extension(name: str) -> tuple[str, str]:
    """("Report", ".PDF"); a suffix that does not look like an extension ("Jan. de Vries") is
    part of the stem."""
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and _EXTENSION.fullmatch(suffix.lower()):
        return stem, f".{suffix}"
    return name, ""


def _refusal(name: str, reason: str) -> str:
    return _("“%(name)s” was not added: %(reason)s") % {"name": name, "reason": reason}


def _identify(upload: File) -> tuple[FileType, ...]:
    """The allowed types the content can be, the most likely first; _Refused otherwise."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    try:
        # No file name: puremagic would otherwise use the extension to break ties or guess.
        matches = puremagic.magic_stream(upload)
    except puremagic.PureError:
        matches = []
    finally:
        upload.seek(0)
    # Only matches at the start count to accept a file: anyone can append a trailer.
    leading = [match for match in matches if match.offset >= 0]
    best = max((match.confidence for match in leading), default=0)
    likely = {match.mime_type for match in leading if match.confidence == best}
    for file_type in _MAGIC_TYPES:
        if file_type.content_type in likely:
            return (file_type,)
    if head.startswith(b"PK\x03\x04"):
        return (_office_document(upload),)
    if any(match.mime_type in _MARKUP_TYPES for match in matches):
        raise _Refused(_markup_refusal())
    # Text has no magic number, and may start like one by chance ("BMW;…" like a bitmap).
    if _is_text(upload):
        return (TEXT, CSV)
    raise _Refused(_describe(matches))


def _describe(matches) -> str:
    if any(_is_program(match) for match in matches):
        return _("its content is a program, not a document or an image.")
    return _not_accepted()


def _is_program(match) -> bool:
    name = (match.name or "").lower()
    return match.extension in _PROGRAM_EXTENSIONS or any(word in name for word in _PROGRAM_WORDS)


def _markup_refusal() -> str:
    return _("its content is a web page or an SVG image, which could run scripts in a browser.")


def _not_accepted() -> str:
    return _(
        "this kind of file is not accepted. Attach PDF, PNG, JPEG, GIF or WebP, text or CSV, "
        "Word or Excel (.docx, .xlsx) or OpenDocument (.odt, .ods) files."
    )


def _office_document(upload: File) -> FileType:
    """A ZIP container that is a Word, Excel or OpenDocument file without macros; any other
    archive is refused (it could carry anything, and nobody here checks what is inside). Only
    the table of contents and the small `mimetype` entry are read, never the files in it."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            lowered = [name.lower() for name in names]
            if any(name.endswith("vbaproject.bin") or name.startswith(("basic/", "scripts/")) for name in lowered):
                raise _Refused(_("it contains macros. Save it without macros, or as PDF."))
            if "mimetype" in names:
                declared = archive.open("mimetype").read(100).decode("ascii", "replace").strip()
                if declared in _ODF_TYPES:
                    return _ODF_TYPES[declared]
            elif "[content_types].xml" in lowered:
                if "word/document.xml" in lowered:
                    return DOCX
                if "xl/workbook.xml" in lowered:
                    return XLSX
                # PowerPoint and the other Office Open XML kinds.
                raise _Refused(_not_accepted())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, UnicodeDecodeError, ValueError):
        raise _Refused(_("it is damaged or not a file we can read.")) from None
    finally:
        upload.seek(0)
    raise _Refused(_("its content is an archive (ZIP). Attach the files in it instead."))


def _is_text(upload: File) -> bool:
    """Plain text or CSV: UTF-8 (or Windows-1252, what a Dutch Excel exports), no NUL or other
    control characters. Text starting like HTML, SVG or XML is refused (_Refused)."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if not data or b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return False
    if _CONTROL_IN_TEXT.search(text):
        return False
    if _MARKUP_START.match(text):
        raise _Refused(_markup_refusal())
    return True


def _name_for(name: str, candidates: tuple[FileType, ...]) -> tuple[str, FileType]:
    """The stored name and type: the name's extension when it is one of the content's; a name
    claiming another allowed type (a PNG called .pdf) is refused; any other extension, or none,
    gets the content's own added (`run.bat` that is text is kept as `run.bat.txt`)."""
    extension = _split_extension(name)[1].lower()
    for file_type in candidates:
        if extension in file_type.extensions:
            return name, file_type
    if extension in _ALL_EXTENSIONS:
        raise _Refused(
            _("its content is %(kind)s, but its name ends in %(extension)s. Rename it or attach the right file.")
            % {"kind": candidates[0].label, "extension": extension}
        )
    default = candidates[0]
    return clean_name(f"{name}{default.extensions[0]}"), default


def check_file(upload: File) -> CheckedFile:
    """One file as it would be stored; ValidationError (naming the file and the reason) when it
    may not be. What it is comes from its content; its name is cleaned."""
    name = clean_name(upload.name)
    size = upload.size or 0
    limit = settings.ATTACHMENT_MAX_BYTES
    try:
        if size > limit:
            raise _Refused(
                _("it is %(size)s; one file may be at most %(limit)s.")
                % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
            )
        if size == 0:
            raise _Refused(_("it is empty."))
        candidates = _identify(upload)
        name, file_type = _name_for(name, candidates)
    except _Refused as refused:
        raise ValidationError(_refusal(name, refused.reason), code="attachment_refused") from None
    return CheckedFile(upload=upload, name=name, content_type=file_type.content_type, size=size)


def check_files(files: Sequence[File]) -> list[CheckedFile]:
    """Every file of one message checked, each refusal named (all of them, not only the first),
    and the message's total and count within their limits."""
    if len(files) > MAX_FILES_PER_MESSAGE:
        raise ValidationError(
            {"files": _("Attach at most %(count)d files to one message.") % {"count": MAX_FILES_PER_MESSAGE}}
        )
    checked, errors = [], []
    for upload in files:
        try:
            checked.append(check_file(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    total, limit = sum(item.size for item in checked), settings.ATTACHMENT_MAX_MESSAGE_BYTES
    if not errors and total > limit:
        errors.append(
            _("Together the files are %(size)s; one message may carry at most %(limit)s.")
            % {"size": filesizeformat(total), "limit": filesizeformat(limit)}
        )
    if errors:
        raise ValidationError({"files": errors})
    return checked


def store_attachments(
    *,
    task: Task,
    message: TaskMessage | None,
    files: Sequence[File],
    user=None,
    contact=None,
) -> list[TaskAttachment]:
    """Store the files on the message, in the caller's transaction.

    Everything is checked before anything is written: one refused file raises ValidationError
    naming each refused file and why, and stores none (the caller's transaction then drops the
    message too). A failure while writing removes the files this call already wrote. A
    rollback of the caller's transaction after this returns would leave the written files
    without rows, unreachable by any view: callers store attachments as late as they can.
    """
    checked = check_files(files)
    stored: list[TaskAttachment] = []
    written: list[str] = []
    try:
        for item in checked:
            attachment = TaskAttachment(
                task=task,
                message=message,
                name=item.name,
                content_type=item.content_type,
                size=item.size,
                uploaded_by=user,
                uploaded_by_contact=contact,
            )
            attachment.full_clean(exclude=["file"])
            item.upload.seek(0)
            attachment.file.save(attachment.code.hex, item.upload, save=False)
            written.append(attachment.file.name)
            attachment.save()
            stored.append(attachment)
    except BaseException:
        storage = TaskAttachment._meta.get_field("file").storage
        for name in written:
            storage.delete(name)
        raise
    return stored
