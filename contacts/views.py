"""Staff pages for contacts: list, create with duplicate check, detail, links, attributes,
merge and out-of-service.

What needs a relation looked up (a new contact for a relation, linking to a relation) is in
relations/views.py, which reuses `contact_form_page` and `duplicates_fragment` from here:
contacts does not import relations (STYLE 16).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.updates import StaleVersionError
from contacts.access import (
    get_attribute_for_staff,
    get_contact_for_staff,
    get_contact_link_for_staff,
    get_merge_record_for_staff,
)
from contacts.forms import (
    AttributeDefinitionForm,
    AttributeValuesForm,
    ContactFilterForm,
    ContactForm,
    ContactLinkForm,
    MergeForm,
    OutOfServiceForm,
)
from contacts.history import contact_history
from contacts.models import Contact
from contacts.panels import contact_aside_panels, contact_panels
from contacts.selectors import (
    SEARCH_CAP,
    attribute_definitions,
    contact_list,
    contact_merges,
    contact_search,
    contact_search_ids,
    contacts_by_ids,
)
from contacts.services.attributes import attribute_define, attribute_update, set_attribute_values
from contacts.services.contacts import (
    DuplicateContactError,
    create_contact,
    find_duplicates,
    normalize_email,
    update_contact,
)
from contacts.services.links import unlink_contact, update_link
from contacts.services.merge import merge_contacts, merge_preview, undo_merge
from contacts.services.out_of_service import cancel_out_of_service, mark_out_of_service, out_of_service_plan
from staff.access import staff_required
from staff.forms import show_stale_version
from staff.ui import capped_page, error_text, parse_id, query_without_page, search_text

if TYPE_CHECKING:
    from relations.models import Relation


@staff_required
def contact_index(request):
    form = ContactFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    query, status, kind = filters.get("q", ""), filters.get("status", ""), filters.get("kind", "")
    # Counted up to a cap, never over all 250,000 contacts; a search up to its own.
    if search_text(query):
        page = capped_page(request, contact_search_ids(query=query, status=status, kind=kind), cap=SEARCH_CAP)
        page.object_list = contacts_by_ids(page.object_list)
    else:
        page = capped_page(request, contact_list(status=status, kind=kind))
    template = "contacts/list.html#results" if request.htmx else "contacts/list.html"
    return render(request, template, {"form": form, "page": page, "query_string": query_without_page(request)})


@staff_required
def contact_create(request):
    relation_pk = parse_id(request.GET.get("relation"))
    if request.method == "GET" and relation_pk is not None:
        # A relation's new contact has its page under the relation now; older links still get there.
        return redirect("relations:contact_create", pk=relation_pk)
    return contact_form_page(request)


def contact_form_page(request, *, relation: Relation | None = None):
    """The new-contact page; with a relation (relations/views.py), the contact is linked to it."""
    form = ContactForm(request.POST or None)
    existing = None
    if request.method == "POST" and form.is_valid():
        try:
            contact = create_contact(
                actor=request.user,
                relation=relation,
                link={"job_title": form.cleaned_data["job_title"]},
                **form.cleaned_data,
            )
        except DuplicateContactError as exc:
            existing = exc.existing
            form.add_error("email", exc.messages[0])
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Contact %(name)s created.") % {"name": contact.full_name})
            return redirect("contacts:detail", pk=contact.pk)
    return render(request, "contacts/form.html", {"form": form, "relation": relation, "existing": existing})


@staff_required
def contact_duplicates(request):
    return duplicates_fragment(request)


def duplicates_fragment(request, *, relation: Relation | None = None):
    """htmx, as the user types: existing contacts with this e-mail or a similar name; with a
    relation (relations/views.py), each offers to be linked to it instead."""
    email = request.GET.get("email", "")
    first_name, infix, last_name = (request.GET.get(name, "") for name in ("first_name", "infix", "last_name"))
    duplicates = (
        find_duplicates(email=email, first_name=first_name, infix=infix, last_name=last_name)
        if (email.strip() or last_name.strip())
        else []
    )
    return render(
        request,
        "contacts/_duplicates.html",
        {"duplicates": duplicates, "same_email": normalize_email(email), "relation": relation},
    )


# The fields that pick a contact: a link's contact, a successor, a merge's other contact, and
# a task's reporter (staff.widgets.PickerWidget, which also sends optional=1).
PICKER_FIELDS = {"contact", "successor", "other", "reporter"}


@staff_required
def contact_picker(request):
    """Live search results as radio buttons (at most contacts.selectors.PICKER_LIMIT)."""
    exclude = request.GET.get("exclude", "")
    results = contact_search(query=request.GET.get("q", ""), exclude_pk=parse_id(exclude))
    field_name = request.GET.get("field", "contact")
    if field_name not in PICKER_FIELDS:
        field_name = "contact"
    return render(
        request,
        "contacts/_picker_results.html",
        {
            "results": results,
            "field_name": field_name,
            "query": request.GET.get("q", ""),
            "optional": request.GET.get("optional") == "1",
        },
    )


@staff_required
def contact_detail(request, pk: int):
    contact = get_contact_for_staff(request, pk)
    values = {value.definition_id: value.value for value in contact.attribute_values.all()}
    form = AttributeValuesForm(definitions=attribute_definitions(), values=values)
    return _render_detail(request, contact, form)


def _render_detail(request, contact, attributes_form, status: int = 200):
    """The contact page, shared by its GET and by a refused attributes form."""
    return render(
        request,
        "contacts/detail.html",
        {
            "contact": contact,
            "attributes_form": attributes_form,
            "history": contact_history(contact),
            "merges": contact_merges(contact),
            # What apps above contacts show here (tasks reported, Client Online): contacts.panels.
            "panels": contact_panels.panels_for(contact),
            "aside_panels": contact_aside_panels.panels_for(contact),
        },
        status=status,
    )


@staff_required
def contact_edit(request, pk: int):
    contact = get_contact_for_staff(request, pk)
    form = ContactForm(request.POST or None, instance=Contact.objects.get(pk=contact.pk))
    existing, status = None, 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update_contact(contact=contact, actor=request.user, data=data, version=data["version"])
        except DuplicateContactError as exc:
            existing = exc.existing
            form.add_error("email", exc.messages[0])
        except StaleVersionError as exc:
            status = show_stale_version(form, exc)
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Changes saved."))
            return redirect("contacts:detail", pk=contact.pk)
    return render(
        request, "contacts/form.html", {"form": form, "contact": contact, "existing": existing}, status=status
    )


@staff_required
def contact_link_edit(request, pk: int, link_pk: int):
    contact = get_contact_for_staff(request, pk)
    link = get_contact_link_for_staff(request, contact, link_pk)
    form = ContactLinkForm(request.POST or None, instance=type(link).objects.get(pk=link.pk))
    if request.method == "POST" and form.is_valid():
        update_link(link=link, actor=request.user, data=form.cleaned_data)
        messages.success(request, _("Link to %(relation)s saved.") % {"relation": link.relation.name})
        return redirect("contacts:detail", pk=contact.pk)
    return render(request, "contacts/link_form.html", {"form": form, "contact": contact, "link": link})


@staff_required
@require_POST
def contact_link_remove(request, pk: int, link_pk: int):
    contact = get_contact_for_staff(request, pk)
    link = get_contact_link_for_staff(request, contact, link_pk)
    try:
        unlink_contact(link=link, actor=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Link to %(relation)s removed.") % {"relation": link.relation.name})
    if request.POST.get("from") == "relation":
        return redirect("relations:contacts", pk=link.relation_id)
    return redirect("contacts:detail", pk=contact.pk)


@staff_required
@require_POST
def contact_attributes(request, pk: int):
    contact = get_contact_for_staff(request, pk)
    definitions = attribute_definitions()
    form = AttributeValuesForm(request.POST, definitions=definitions, values={})
    if form.is_valid():
        set_attribute_values(contact=contact, values=form.values(), actor=request.user)
        messages.success(request, _("Attributes saved."))
        return redirect("contacts:detail", pk=contact.pk)
    messages.error(request, _("Some attributes are not valid; nothing was saved."))
    return _render_detail(request, contact, form, status=400)


@staff_required
def contact_merge(request, pk: int):
    """Pick the other record, choose field by field, confirm what would end, merge."""
    contact = get_contact_for_staff(request, pk)
    other_pk = parse_id(request.POST.get("other") or request.GET.get("other"))
    other = get_contact_for_staff(request, other_pk) if other_pk is not None else None
    form, plan, status = None, None, 200
    if other is not None:
        form = MergeForm(request.POST or None, contact=contact, other=other)
        if other.pk == contact.pk:
            messages.error(request, _("Choose two different contacts to merge."))
            form, status = None, 400
        elif request.method == "POST" and not form.is_valid():
            status = 400
        elif request.method == "POST":
            survivor, absorbed = (contact, other) if form.cleaned_data["survivor"] == contact.pk else (other, contact)
            try:
                plan = merge_preview(survivor=survivor, absorbed=absorbed, keep=form.keep())
                if plan.endings and request.POST.get("confirm") != "1":
                    # The confirmation step: what would end is listed before anything ends.
                    return render(
                        request,
                        "contacts/merge.html",
                        {
                            "contact": contact,
                            "other": other,
                            "pair": [contact, other],
                            "form": form,
                            "plan": plan,
                            "confirming": True,
                        },
                    )
                record = merge_contacts(survivor=survivor, duplicate=absorbed, actor=request.user, keep=plan.keep)
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
                status = 400
            else:
                snapshot = record.merged_snapshot
                messages.success(
                    request,
                    _("%(name)s (%(email)s) stays; %(other)s (%(other_email)s) has been merged into this contact.")
                    % {
                        "name": snapshot["survivor_name"],
                        "email": snapshot["survivor_email"],
                        "other": snapshot["name"],
                        "other_email": snapshot["email"],
                    },
                )
                return redirect("contacts:detail", pk=survivor.pk)
    context = {"contact": contact, "other": other, "pair": [contact, other], "form": form, "plan": plan}
    return render(request, "contacts/merge.html", context, status=status)


@staff_required
@require_POST
def contact_merge_undo(request, pk: int):
    record = get_merge_record_for_staff(request, pk)
    try:
        restored = undo_merge(record=record, actor=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("contacts:detail", pk=record.survivor_id)
    messages.success(
        request,
        _("The merge was undone: %(name)s (%(email)s) is a contact of its own again.")
        % {"name": restored.full_name, "email": restored.email},
    )
    return redirect("contacts:detail", pk=restored.pk)


@staff_required
def contact_out_of_service(request, pk: int):
    contact = get_contact_for_staff(request, pk)
    form = OutOfServiceForm(request.POST or request.GET or None)
    plan = None
    if form.is_bound and form.is_valid():
        try:
            plan = out_of_service_plan(
                contact=contact,
                successor=form.cleaned_data["successor"],
                effective_date=form.cleaned_data["effective_date"],
            )
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            if request.method == "POST" and request.POST.get("confirm") == "1":
                mark_out_of_service(
                    contact=contact, successor=plan.successor, effective_date=plan.effective_date, actor=request.user
                )
                if plan.is_immediate:
                    messages.success(
                        request,
                        _("%(name)s is out of service; %(successor)s took over %(count)d open task(s).")
                        % {"name": contact.full_name, "successor": plan.successor.full_name, "count": len(plan.tasks)},
                    )
                else:
                    messages.success(
                        request,
                        _("%(name)s goes out of service on %(date)s; %(successor)s takes over then.")
                        % {
                            "name": contact.full_name,
                            "date": formats.date_format(plan.effective_date, "SHORT_DATE_FORMAT"),
                            "successor": plan.successor.full_name,
                        },
                    )
                return redirect("contacts:detail", pk=contact.pk)
    return render(request, "contacts/out_of_service.html", {"contact": contact, "form": form, "plan": plan})


@staff_required
@require_POST
def contact_out_of_service_cancel(request, pk: int):
    contact = get_contact_for_staff(request, pk)
    try:
        cancel_out_of_service(contact=contact, actor=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The scheduled out-of-service was cancelled."))
    return redirect("contacts:detail", pk=contact.pk)


@staff_required
def attribute_index(request):
    form = AttributeDefinitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            attribute_define(
                actor=request.user,
                name=data["name"],
                type=data["type"],
                choices=data["choices"],
                visible_in_portal=data["visible_in_portal"],
                editable_in_portal=data["editable_in_portal"],
                position=data["position"] or 0,
            )
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Attribute %(name)s added.") % {"name": data["name"]})
            return redirect("contacts:attributes")
    return render(request, "contacts/attributes.html", {"form": form, "definitions": attribute_definitions()})


@staff_required
def attribute_edit(request, pk: int):
    definition = get_attribute_for_staff(request, pk)
    form = AttributeDefinitionForm(request.POST or None, instance=type(definition).objects.get(pk=definition.pk))
    if request.method == "POST" and form.is_valid():
        try:
            attribute_update(definition=definition, actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Attribute %(name)s saved.") % {"name": definition.name})
            return redirect("contacts:attributes")
    return render(request, "contacts/attribute_form.html", {"form": form, "definition": definition})
