"""AVG (GDPR) requests for one contact, and the retention setting: staff administrators only."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contacts.access import get_contact_for_staff
from privacy.forms import EraseForm, PrivacySettingsForm
from privacy.selectors import contact_erasure, erase_plan, privacy_settings, source_counts
from privacy.services import erase_person, export_person_archive, update_privacy_settings
from staff.access import staff_admin_required
from staff.ui import error_text


@staff_admin_required
def person(request, pk: int):
    """What the contractant holds about the person, per kind, with the export and erase actions."""
    contact = get_contact_for_staff(request, pk)
    return render(
        request,
        "privacy/person.html",
        {"contact": contact, "counts": source_counts(contact), "erasure": contact_erasure(contact)},
    )


@staff_admin_required
@require_POST
def export(request, pk: int):
    contact = get_contact_for_staff(request, pk)
    archive, filename = export_person_archive(contact=contact, actor=request.user, contractant_name=request.tenant.name)
    return FileResponse(archive, as_attachment=True, filename=filename, content_type="application/zip")


@staff_admin_required
def erase(request, pk: int):
    """The confirmation page shows what will change; only the confirmed POST erases."""
    contact = get_contact_for_staff(request, pk)
    erasure = contact_erasure(contact)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if erasure is None and request.method == "POST" and form.is_valid():
        try:
            erase_person(contact=contact, actor=request.user)
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("The person has been erased; their tasks are kept, anonymous."))
            return redirect("contacts:detail", pk=contact.pk)
    return render(
        request,
        "privacy/erase.html",
        {"contact": contact, "erasure": erasure, "plan": None if erasure else erase_plan(contact), "form": form},
    )


@staff_admin_required
def settings_edit(request):
    form = PrivacySettingsForm(request.POST if request.method == "POST" else None, instance=privacy_settings())
    if request.method == "POST" and form.is_valid():
        try:
            update_privacy_settings(retention_years=form.cleaned_data["retention_years"], actor=request.user)
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Privacy settings saved."))
            return redirect("privacy:settings")
    return render(request, "privacy/settings.html", {"form": form})
