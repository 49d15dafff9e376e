"""Staff pages of the import (upload, preview, confirm, progress, log), the template files, and
the exports of the relation, contact and task lists."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from staff.access import staff_required
from staff.ui import error_text, paginate, query_without_page
from transfer import exports, services
from transfer.access import get_import_job_for_staff
from transfer.forms import ExportFormatForm, ImportUploadForm
from transfer.models import ImportJob
from transfer.selectors import import_job_rows, import_jobs


@staff_required
def import_start(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            content = upload.read(settings.TRANSFER_MAX_UPLOAD_BYTES + 1)
            job = services.import_preview(actor=request.user, file_name=upload.name, content=content)
        except ValidationError as exc:
            form.add_error("file", error_text(exc))
        else:
            return redirect("transfer:import_job", code=job.code)
    return render(request, "transfer/import.html", {"form": form}, status=400 if form.errors else 200)


@staff_required
@require_GET
def import_job(request, code):
    """The preview before confirming, the progress while it runs (polled by htmx), the result after."""
    job = get_import_job_for_staff(request, code)
    show = "refused" if request.GET.get("show") == "refused" else ""
    context = {
        "job": job,
        "show": show,
        "running": job.state in (ImportJob.State.QUEUED, ImportJob.State.RUNNING),
        "page": paginate(request, import_job_rows(job, show=show), per_page=100),
        "query_string": query_without_page(request),
    }
    if request.htmx:
        return render(request, "transfer/import_job.html#job", context)
    return render(request, "transfer/import_job.html", context)


@staff_required
@require_POST
def import_confirm(request, code):
    job = get_import_job_for_staff(request, code)
    try:
        job = services.import_confirm(job=job, actor=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        if job.state == ImportJob.State.DONE:
            messages.success(request, _("The import is done."))
    return redirect("transfer:import_job", code=job.code)


@staff_required
@require_POST
def import_discard(request, code):
    job = get_import_job_for_staff(request, code)
    try:
        services.import_discard(job=job, actor=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("transfer:import_job", code=job.code)
    messages.success(request, _("The import was discarded; nothing was written."))
    return redirect("transfer:import_log")


@staff_required
@require_GET
def import_log(request):
    return render(request, "transfer/import_log.html", {"page": paginate(request, import_jobs())})


@staff_required
@require_GET
def template_xlsx(request):
    response = HttpResponse(content_type=exports.XLSX_TYPE)
    exports.template_book("both").save(response)
    response["Content-Disposition"] = f'attachment; filename="{_("import-template")}.xlsx"'
    return response


def _template_csv(kind: str) -> HttpResponse:
    response = HttpResponse(exports.template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_("import-template")}-{kind}.csv"'
    return response


@staff_required
@require_GET
def template_relations_csv(request):
    return _template_csv("relations")


@staff_required
@require_GET
def template_contacts_csv(request):
    return _template_csv("contacts")


def _export(request, export: exports.Export, back: str):
    form = ExportFormatForm(request.GET)
    file_format = form.cleaned_data["format"] if form.is_valid() else ""
    if file_format == "xlsx":
        try:
            return exports.xlsx_response(export)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            params = request.GET.copy()
            params.pop("format", None)
            return redirect(f"{reverse(back)}?{params.urlencode()}")
    return exports.csv_response(export)


@staff_required
@require_GET
def export_relations(request):
    return _export(request, exports.relation_export(request.GET), "relations:list")


@staff_required
@require_GET
def export_contacts(request):
    return _export(request, exports.contact_export(request.GET), "contacts:list")


@staff_required
@require_GET
def export_tasks(request):
    return _export(request, exports.task_export(request.GET, request.user), "tasks:list")
