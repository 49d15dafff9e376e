"""Reading an uploaded CSV or XLSX file into sheets of rows (tablib, with openpyxl for XLSX).

Refused with a clear message (ValidationError): another kind of file, an empty one, one larger
than TRANSFER_MAX_UPLOAD_BYTES or with more rows than TRANSFER_MAX_ROWS, a sheet whose columns
are neither relations nor contacts, and a sheet that lacks a required column.
"""

from __future__ import annotations

import csv
import datetime
import zipfile
from dataclasses import dataclass, field
from io import BytesIO

import tablib  # type: ignore[import-untyped]
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from transfer.columns import SHEET_COLUMNS, SHEET_TITLES, heading_map, normalize_heading, unneutralize

ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Sheet:
    kind: str  # "relations" or "contacts"
    title: str
    # Per row: its line in the file and its values by column name.
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a customer number typed as 1234 comes back from Excel as 1234.0
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return unneutralize(str(value).replace("\x00", "").strip())


def _decode(content: bytes) -> str:
    if b"\x00" in content:
        raise ValidationError(_("This file is not a CSV or XLSX file."), code="bad_type")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # What Excel on Windows writes as "CSV" in the Netherlands.
        return content.decode("cp1252", errors="replace")


def _csv_dataset(content: bytes) -> list[tuple[str, tablib.Dataset]]:
    text = _decode(content)
    first_line = text.splitlines()[0] if text.strip() else ""
    try:
        delimiter = csv.Sniffer().sniff(first_line, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    try:
        dataset = tablib.Dataset().load(text, format="csv", delimiter=delimiter)
    except (csv.Error, tablib.InvalidDimensions) as exc:
        raise ValidationError(_("This CSV file cannot be read: %(error)s") % {"error": exc}, code="bad_file") from exc
    return [("", dataset)]


def _xlsx_datasets(content: bytes) -> list[tuple[str, tablib.Dataset]]:
    try:
        book = tablib.Databook().load(BytesIO(content), format="xlsx")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, tablib.InvalidDimensions) as exc:
        raise ValidationError(_("This XLSX file cannot be read."), code="bad_file") from exc
    return [(dataset.title or "", dataset) for dataset in book.sheets()]


def _kind(title: str, found: list[str]) -> str | None:
    for kind, titles in SHEET_TITLES.items():
        if normalize_heading(title) in titles:
            return kind
    # Otherwise the kind whose headings the sheet has most of.
    scores = {kind: len(set(found) & set(heading_map(columns).values())) for kind, columns in SHEET_COLUMNS.items()}
    best = max(scores, key=lambda kind: scores[kind])
    return best if scores[best] else None


def _sheet(title: str, dataset: tablib.Dataset) -> Sheet | None:
    raw_headings = [str(heading or "").strip() for heading in (dataset.headers or [])]
    if not any(raw_headings) and not len(dataset):
        return None
    kind = _kind(title, [name for name in (_any_column(heading) for heading in raw_headings) if name])
    if kind is None:
        raise ValidationError(
            _("The sheet %(sheet)s has no columns of relations or contacts. Start from the template file.")
            % {"sheet": title or _("in the file")},
            code="unknown_sheet",
        )
    mapping = heading_map(SHEET_COLUMNS[kind])
    names = [mapping.get(normalize_heading(heading)) for heading in raw_headings]
    missing = [str(column.label) for column in SHEET_COLUMNS[kind] if column.required and column.name not in names]
    if missing:
        raise ValidationError(
            _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)}, code="missing_columns"
        )
    sheet = Sheet(kind=kind, title=title)
    sheet.unknown_columns = [heading for heading, name in zip(raw_headings, names, strict=True) if heading and not name]
    for index, row in enumerate(dataset, start=2):
        values = {name: _cell(value) for name, value in zip(names, row, strict=False) if name}
        if any(values.values()):
            sheet.rows.append((index, values))
    return sheet


def _any_column(heading: str) -> str | None:
    for columns in SHEET_COLUMNS.values():
        if name := heading_map(columns).get(normalize_heading(heading)):
            return name
    return None


def read_sheets(*, file_name: str, content: bytes) -> list[Sheet]:
    """The file's sheets of relations and contacts (a CSV file is one sheet), checked."""
    if not content:
        raise ValidationError(_("The file is empty."), code="empty")
    limit = settings.TRANSFER_MAX_UPLOAD_BYTES
    if len(content) > limit:
        raise ValidationError(
            _("The file is too large: at most %(size)s MB.") % {"size": f"{limit / 1_000_000:g}"}, code="too_large"
        )
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension == "xlsx" and content.startswith(ZIP_MAGIC):
        datasets = _xlsx_datasets(content)
    elif extension in ("csv", "txt") and not content.startswith(ZIP_MAGIC):
        datasets = _csv_dataset(content)
    else:
        raise ValidationError(_("Upload a CSV or XLSX file (Excel: save as .xlsx)."), code="bad_type")
    sheets = [sheet for title, dataset in datasets if (sheet := _sheet(title, dataset)) is not None]
    rows = sum(len(sheet.rows) for sheet in sheets)
    if not rows:
        raise ValidationError(_("The file has no rows to import."), code="empty")
    if rows > settings.TRANSFER_MAX_ROWS:
        raise ValidationError(
            _("The file has %(rows)s rows; an import takes at most %(max)s. Split the file.")
            % {"rows": f"{rows:,}", "max": f"{settings.TRANSFER_MAX_ROWS:,}"},
            code="too_many_rows",
        )
    return sheets
