"""Staff pages for relations: list, create/edit, the General, Contacts and History tabs, and the
relation's contacts (new, link). The Subscriptions and Tasks tabs and the relink are served by
those apps under the relation's address."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.updates import StaleVersionError
from contacts.access import get_contact_for_staff
from contacts.selectors import relation_contact_links
from contacts.services.contacts import DuplicateContactError
from contacts.services.links import link_contact
from contacts.views import contact_form_page, duplicates_fragment
from relations import services
from relations.access import get_relation_for_staff
from relations.forms import PersonRelationForm, RelationFilterForm, RelationForm
from relations.history import HISTORY_COUNT_CAP, relation_timeline, timeline_entries
from relations.models import Relation
from relations.panels import relation_history_panels, relation_panels
from relations.selectors import relation_list, relation_search, with_list_figures
from staff.access import staff_required
from staff.forms import show_stale_version
from staff.ui import capped_page, error_text, paginate, parse_id, query_without_page


@staff_required
def relation_index(request):
    form = RelationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    relations = relation_list(
        query=filters.get("q", ""), kind=filters.get("kind", ""), active=filters.get("active", "")
    )
    page = capped_page(request, relations)
    page.object_list = with_list_figures(list(page.object_list))
    template = "relations/list.html#results" if request.htmx else "relations/list.html"
    return render(request, template, {"form": form, "page": page, "query_string": query_without_page(request)})


@staff_required
def relation_create(request):
    form = PersonRelationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        person = {key.removeprefix("person_"): data.pop(key) for key in list(data) if key.startswith("person_")}
        try:
            if data["kind"] == Relation.Kind.PERSON:
                relation = services.create_person_relation(actor=request.user, relation_data=data, contact_data=person)
            else:
                relation = services.relation_create(actor=request.user, **data)
        except DuplicateContactError as exc:
            # The person's address is taken by a login (an existing contact is linked instead).
            form.add_error("person_email", exc.messages[0])
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Relation %(name)s created.") % {"name": relation.name})
            return redirect("relations:detail", pk=relation.pk)
    return render(request, "relations/form.html", {"form": form})


@staff_required
def relation_edit(request, pk: int):
    relation = get_relation_for_staff(request, pk)
    form = RelationForm(request.POST or None, instance=Relation.objects.get(pk=relation.pk))
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.relation_update(relation=relation, actor=request.user, data=data, version=data["version"])
        except StaleVersionError as exc:
            status = show_stale_version(form, exc)
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Changes to %(name)s saved.") % {"name": relation.name})
            return redirect("relations:detail", pk=relation.pk)
    return render(request, "relations/form.html", {"form": form, "relation": relation}, status=status)


def _tab(request, relation, tab: str, template: str, context: dict):
    return render(request, template, {"relation": relation, "tab": tab, **context})


@staff_required
def relation_detail(request, pk: int):
    relation = get_relation_for_staff(request, pk)
    panels = relation_panels.panels_for(relation)
    return _tab(request, relation, "general", "relations/tab_general.html", {"panels": panels})


@staff_required
def relation_contacts(request, pk: int):
    relation = get_relation_for_staff(request, pk)
    page = paginate(request, relation_contact_links(relation))
    context = {"page": page, "query_string": query_without_page(request)}
    return _tab(request, relation, "contacts", "relations/tab_contacts.html", context)


@staff_required
def relation_history_tab(request, pk: int):
    relation = get_relation_for_staff(request, pk)
    # Keys first (one query, paged by the database), then the entries of this page only.
    page = capped_page(request, relation_timeline(relation), per_page=50, cap=HISTORY_COUNT_CAP)
    page.object_list = timeline_entries(relation, page.object_list)
    return _tab(
        request,
        relation,
        "history",
        "relations/tab_history.html",
        {
            "page": page,
            "panels": relation_history_panels.panels_for(relation),
            "query_string": query_without_page(request),
        },
    )


@staff_required
def relation_picker(request):
    """Live search results as radio buttons, for any form that picks a relation."""
    exclude = request.GET.get("exclude")
    # The task list's filter sends its search box as relation_search (its own q searches tasks).
    query = request.GET.get("q") or request.GET.get("relation_search", "")
    results = relation_search(query=query, exclude_pk=parse_id(exclude))
    field_name = request.GET.get("field", "relation")
    if field_name not in {"relation", "to_relation", "to"}:
        field_name = "relation"
    return render(
        request,
        "relations/_picker_results.html",
        {"results": results, "field_name": field_name, "query": query, "optional": request.GET.get("optional") == "1"},
    )


# --- Contacts of a relation -------------------------------------------------------------
# The pages and actions that link contacts to a relation look the relation up, so they live
# here (contacts does not import relations: STYLE 16) and reuse the contacts app's pages.


@staff_required
def relation_contact_create(request, pk: int):
    """The new-contact page for this relation: the new contact is linked to it."""
    return contact_form_page(request, relation=get_relation_for_staff(request, pk))


@staff_required
def relation_contact_duplicates(request, pk: int):
    """htmx, on the new-contact page for this relation: existing contacts, each to link instead."""
    return duplicates_fragment(request, relation=get_relation_for_staff(request, pk))


@staff_required
@require_POST
def relation_contact_add(request, pk: int):
    """The relation's Contacts tab: "Add relationship" for an existing contact."""
    relation = get_relation_for_staff(request, pk)
    contact_pk = parse_id(request.POST.get("contact"))
    if contact_pk is None:
        messages.error(request, _("Choose a contact to link."))
    else:
        _link_contact(request, get_contact_for_staff(request, contact_pk), relation)
    return redirect("relations:contacts", pk=relation.pk)


@staff_required
@require_POST
def contact_relation_add(request, pk: int):
    """The contact page's "Add a relation": link this contact to the relation picked there."""
    contact = get_contact_for_staff(request, pk)
    relation_pk = parse_id(request.POST.get("relation"))
    if relation_pk is None:
        messages.error(request, _("Choose a relation to link."))
    else:
        _link_contact(request, contact, get_relation_for_staff(request, relation_pk))
    return redirect("contacts:detail", pk=contact.pk)


def _link_contact(request, contact, relation) -> None:
    try:
        link_contact(contact=contact, relation=relation, actor=request.user, job_title=contact.job_title)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            _("%(name)s is now linked to %(relation)s.") % {"name": contact.full_name, "relation": relation.name},
        )
