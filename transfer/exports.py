"""Exports of the relation, contact and task lists, as CSV or XLSX, with the list's filters.

Every text cell goes through `neutralize` (a formula-like text gets a leading apostrophe). A
CSV export streams: rows are read from the database in chunks (QuerySet.iterator) and written
as they come, so a million tasks never sit in memory. An XLSX file cannot be streamed: it is
written row by row (openpyxl's write-only mode) into a temporary file and holds at most
TRANSFER_XLSX_MAX_ROWS rows; a longer list is refused with a pointer to CSV.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, QueryDict, StreamingHttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]

from contacts.forms import ContactFilterForm
from contacts.models import Contact
from contacts.selectors import contact_list, contact_search_ids, contacts_by_ids
from relations.forms import RelationFilterForm
from relations.selectors import relation_list
from staff.ui import search_text, staff_name
from tasks.listing import task_listing
from tasks.selectors import task_list
from transfer.columns import CONTACT_COLUMNS, RELATION_COLUMNS, headings, neutralize

ITERATOR_CHUNK = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Export:
    name: str  # the file name without extension
    headings: list[str]
    rows: Iterable[list]  # lazily read
    # The query the rows come from, to tell whether it is longer than the XLSX cap.
    source: object = None


def relation_export(params: QueryDict) -> Export:
    form = RelationFilterForm(params or None)
    filters = form.cleaned_data if form.is_valid() else {}
    relations = relation_list(
        query=filters.get("q", ""), kind=filters.get("kind", ""), active=filters.get("active", "")
    )

    def rows(queryset=relations) -> Iterator[list]:
        for relation in queryset.iterator(chunk_size=ITERATOR_CHUNK):
            yield [getattr(relation, column.name) for column in RELATION_COLUMNS]

    return Export(name=_("relations"), headings=headings(RELATION_COLUMNS), rows=rows(), source=relations)


def _contact_row(contact: Contact) -> list:
    values = {name: getattr(contact, name) for name in ["email", "first_name", "last_name", "job_title"]}
    values["phone"] = contact.phone.as_e164 if contact.phone else ""
    values["customer_numbers"] = "; ".join(link.relation.customer_number for link in contact.links.all())
    return [values[column.name] for column in CONTACT_COLUMNS]


def contact_export(params: QueryDict) -> Export:
    """The contact list as the page reads it: a search gives its (capped) matches, like the page."""
    form = ContactFilterForm(params or None)
    filters = form.cleaned_data if form.is_valid() else {}
    query, status, kind = filters.get("q", ""), filters.get("status", ""), filters.get("kind", "")
    if search_text(query):
        found = contacts_by_ids(contact_search_ids(query=query, status=status, kind=kind))
        return Export(name=_("contacts"), headings=headings(CONTACT_COLUMNS), rows=(_contact_row(c) for c in found))
    contacts = contact_list(status=status, kind=kind)
    rows = (_contact_row(contact) for contact in contacts.iterator(chunk_size=ITERATOR_CHUNK))
    return Export(name=_("contacts"), headings=headings(CONTACT_COLUMNS), rows=rows, source=contacts)


def _when(value) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else ""


def task_export(params: QueryDict, user) -> Export:
    """The task list with its queue, filters and sort (tasks.listing reads them as the page does)."""
    listing = task_listing(params, user)
    tasks = task_list(**listing.arguments).select_related("assignee", "team").prefetch_related("links__relation")

    def rows(queryset=tasks) -> Iterator[list]:
        for task in queryset.iterator(chunk_size=ITERATOR_CHUNK):
            yield [
                task.pk,
                task.subject,
                task.get_status_display(),
                task.get_priority_display(),
                staff_name(task.assignee),
                task.team.name if task.team else "",
                "; ".join(f"{link.relation.name} ({link.relation.customer_number})" for link in task.links.all()),
                _when(task.created_at),
                _when(task.closed_at),
            ]

    names = [_("Number"), _("Subject"), _("Status"), _("Priority"), _("Assignee"), _("Team"), _("Relations")]
    names += [_("Created"), _("Closed")]
    return Export(name=_("tasks"), headings=names, rows=rows(), source=tasks)


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a streaming response."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(export: Export) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A byte order mark, so that Excel reads the file as UTF-8.
    yield "\ufeff" + writer.writerow([neutralize(heading) for heading in export.headings])
    for row in export.rows:
        yield writer.writerow([neutralize(value) for value in row])


def _file_name(export: Export, extension: str) -> str:
    return f"{export.name}-{timezone.localdate():%Y-%m-%d}.{extension}"


def csv_response(export: Export) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_lines(export), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(export, "csv")}"'
    return response


def check_xlsx_size(export: Export) -> None:
    """Refuse (ValidationError) a list longer than an XLSX export holds."""
    cap = settings.TRANSFER_XLSX_MAX_ROWS
    source = export.source
    if source is not None and source[cap : cap + 1].exists():  # type: ignore[index]
        raise ValidationError(
            _(
                "This list has more than %(max)s rows, more than an XLSX export holds: "
                "export it as CSV or narrow the filters."
            )
            % {"max": f"{cap:,}"}
        )


def xlsx_response(export: Export, *, sheet_title: str | None = None) -> FileResponse:
    check_xlsx_size(export)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=(sheet_title or export.name)[:31])
    sheet.append([neutralize(heading) for heading in export.headings])
    for row in export.rows:
        sheet.append([neutralize(value) for value in row])
    # On disk past a few megabytes; closed (and removed) when the response is done.
    buffer = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
    book.save(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=_file_name(export, "xlsx"), content_type=XLSX_TYPE)


def template_book(kind: str) -> Workbook:
    """The template file: the headings in the active language, one sheet per kind."""
    book = Workbook(write_only=True)
    for sheet_kind, columns, title in [
        ("relations", RELATION_COLUMNS, _("Relations")),
        ("contacts", CONTACT_COLUMNS, _("Contacts")),
    ]:
        if kind in ("both", sheet_kind):
            sheet = book.create_sheet(title=title)
            sheet.append(headings(columns))
    return book


def template_csv(kind: str) -> str:
    columns = RELATION_COLUMNS if kind == "relations" else CONTACT_COLUMNS
    buffer: list[str] = []
    writer = csv.writer(_Echo())
    buffer.append("\ufeff" + writer.writerow(headings(columns)))
    return "".join(buffer)
