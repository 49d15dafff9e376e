"""Staff pages for support tasks, task links, bulk moves and the customer's Support tasks view."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from audit.updates import StaleVersionError
from relations.access import get_relation_for_staff
from relations.selectors import relation_search
from staff.access import staff_admin_required, staff_required
from staff.forms import show_stale_version
from staff.ui import error_text, page_number, parse_id, query_without_page, safe_next_url, search_text
from tasks import conversation, saved_views, services
from tasks.access import get_message_for_staff, get_own_saved_view, get_task_for_staff, get_task_link_for_staff
from tasks.forms import DeskSettingsForm, MessageForm, MoveTasksForm, SavedViewForm, StatusForm, TaskForm
from tasks.listing import task_listing
from tasks.models import TaskMessage
from tasks.reply_address import support_address
from tasks.saved_views import saved_view_query, saved_views_for
from tasks.selectors import (
    desk_settings,
    open_task_ids_of,
    support_task_detail,
    support_tasks_for,
    task_page,
)
from tasks.timeline import task_timeline


@staff_required
def task_index(request):
    listing = task_listing(request.GET, request.user)
    form = listing.form
    relation = form.cleaned_data.get("relation") if form.is_valid() else None
    page = task_page(number=page_number(request), per_page=TASK_LIST_PAGE_SIZE, **listing.arguments)
    views = list(saved_views_for(request.user))
    current_query = saved_view_query(request.GET)
    query_string = query_without_page(request)
    context = {
        "form": form,
        "page": page,
        "queue": listing.queue,
        "queue_tabs": QUEUE_TABS,
        "sort": listing.sort,
        "sort_links": sort_links(request, listing.sort),
        "query_string": query_string,
        "filter_relation": relation,
        "saved_views": views,
        "own_views": [view for view in views if view.owner_id == request.user.pk],
        "current_query": current_query,
        "current_query_items": list(QueryDict(current_query).items()),
        "current_view": any(view.query == current_query for view in views),
    }
    if request.htmx:
        return render(request, "tasks/list.html#results", context)
    # Without JavaScript the relation search is submitted with the filters: answer it in place.
    relation_search_text = form.cleaned_data.get("relation_search", "") if form.is_valid() else ""
    context["relation_results"] = relation_search(query=relation_search_text) if relation_search_text else None
    return render(request, "tasks/list.html", context)


# A dense list: a row per line, 50 to a page.
TASK_LIST_PAGE_SIZE = 50

# The built-in queues as tabs, in the order a desk works through them.
QUEUE_TABS = [
    ("open", _lazy("Open")),
    ("mine", _lazy("Mine")),
    ("team", _lazy("My teams")),
    ("unassigned", _lazy("Unassigned")),
    ("waiting", _lazy("Waiting for customer")),
    ("breached", _lazy("SLA breached")),
    ("due_today", _lazy("Due today")),
    ("all", _lazy("All")),
]

# The sortable columns of the task table (tasks.selectors.SORTS), by the column they head.
SORTABLE_COLUMNS = ("number", "subject", "status", "priority", "assignee", "sla", "created")


def sort_links(request, current: str) -> dict[str, dict]:
    """Per sortable column: the list's address sorted by it (ascending, or descending when it is
    the current ascending sort) and how it is sorted now ("ascending", "descending" or "")."""
    links = {}
    for column in SORTABLE_COLUMNS:
        params = request.GET.copy()
        params.pop("page", None)
        params["sort"] = f"-{column}" if current == column else column
        state = "ascending" if current == column else "descending" if current == f"-{column}" else ""
        links[column] = {"url": f"?{params.urlencode()}", "state": state}
    return links


@staff_required
def task_create(request):
    form = TaskForm(request.POST or None, initial={"relation": request.GET.get("relation")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        task = services.task_create(
            actor=request.user,
            subject=data["subject"],
            description=data["description"],
            priority=data["priority"],
            assignee=data["assignee"],
            team=data["team"],
            reporter=data["reporter"],
            relations=[data["relation"]] if data["relation"] else [],
        )
        messages.success(request, _("Task #%(number)s created.") % {"number": task.pk})
        return redirect("tasks:detail", pk=task.pk)
    return render(request, "tasks/form.html", {"form": form})


@staff_required
def task_detail(request, pk: int):
    task = get_task_for_staff(request, pk)
    form = TaskForm(request.POST or None, instance=type(task).objects.get(pk=task.pk))
    form.fields.pop("relation")
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.task_update(task=task, actor=request.user, data=data, version=data["version"])
        except StaleVersionError as exc:
            status = show_stale_version(form, exc)
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Task saved."))
            return redirect("tasks:detail", pk=task.pk)
    # Without JavaScript the link search is submitted with the Link button; its results come
    # back on this page (?link_q=), to choose from and submit again.
    link_query = search_text(request.GET.get("link_q"))
    return render(
        request,
        "tasks/detail.html",
        {
            "task": task,
            "form": form,
            "status_form": StatusForm(initial={"status": task.status}),
            "message_form": MessageForm(initial={"kind": desk_settings().default_message_kind}),
            "timeline": task_timeline(task),
            "link_query": link_query,
            "link_results": _unlinked_relations(task, link_query) if link_query else None,
        },
        status=status,
    )


def _unlinked_relations(task, query: str) -> list:
    linked = {link.relation_id for link in task.links.all()}
    return [relation for relation in relation_search(query=query) if relation.pk not in linked]


@staff_required
@require_POST
def task_status(request, pk: int):
    task = get_task_for_staff(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        services.task_change_status(task=task, status=form.cleaned_data["status"], actor=request.user)
        messages.success(request, _("Status changed to %(status)s.") % {"status": task.get_status_display()})
    else:
        messages.error(request, _("Choose a valid status."))
    return redirect("tasks:detail", pk=task.pk)


@staff_required
@require_POST
def task_message(request, pk: int):
    """The message box: a public reply or an internal note, with files and a status."""
    task = get_task_for_staff(request, pk)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            conversation.post_staff_message(
                task=task,
                body=form.cleaned_data["body"],
                kind=form.cleaned_data["kind"],
                set_status=form.cleaned_data["set_status"] or None,
                files=form.cleaned_data["files"],
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            if form.cleaned_data["kind"] == TaskMessage.Kind.NOTE:
                messages.success(request, _("Internal note added. Customers do not see it."))
            else:
                messages.success(request, _("Public reply sent."))
    else:
        messages.error(request, error_text(ValidationError(list(form.errors.values()))))
    return redirect("tasks:detail", pk=task.pk)


@staff_required
@require_POST
def task_take(request, pk: int):
    """Take the task in one click: it is assigned to whoever asks."""
    task = get_task_for_staff(request, pk)
    services.task_take(task=task, actor=request.user)
    messages.success(request, _("Task #%(number)s is now yours.") % {"number": task.pk})
    return redirect(safe_next_url(request, request.POST.get("next")) or reverse("tasks:detail", args=[task.pk]))


@staff_required
@require_POST
def task_publish_message(request, pk: int, code):
    """A held e-mail that staff judged genuine becomes a public reply."""
    task = get_task_for_staff(request, pk)
    message = get_message_for_staff(task, code)
    try:
        conversation.publish_held_message(message=message, actor=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The e-mail is now a public reply."))
    return redirect(f"{reverse('tasks:detail', args=[task.pk])}#message-{message.code}")


def _links_block(request, task, error: str = ""):
    task = get_task_for_staff(request, task.pk)
    return render(request, "tasks/detail.html#links", {"task": task, "link_error": error})


@staff_required
def task_link_search(request, pk: int):
    task = get_task_for_staff(request, pk)
    results = _unlinked_relations(task, search_text(request.GET.get("q")))
    return render(request, "tasks/_link_results.html", {"task": task, "results": results})


@staff_required
@require_POST
def task_link_add(request, pk: int):
    task = get_task_for_staff(request, pk)
    relation_pk = parse_id(request.POST.get("relation"))
    query = search_text(request.POST.get("q"))
    error = ""
    if relation_pk is None and query and not request.htmx:
        url = reverse("tasks:detail", args=[task.pk])
        return redirect(f"{url}?{urlencode({'link_q': query})}#task-links")
    if relation_pk is None:
        error = _("Choose a relation to link.")
    else:
        relation = get_relation_for_staff(request, relation_pk)
        try:
            services.task_link_add(task=task, relation=relation, actor=request.user)
        except ValidationError as exc:
            error = error_text(exc)
    if request.htmx:
        return _links_block(request, task, error)
    if error:
        messages.error(request, error)
    return redirect("tasks:detail", pk=task.pk)


@staff_required
@require_POST
def task_link_remove(request, pk: int, link_pk: int):
    task = get_task_for_staff(request, pk)
    link = get_task_link_for_staff(request, task, link_pk)
    services.task_link_remove(link=link, actor=request.user)
    if request.htmx:
        return _links_block(request, task)
    messages.success(request, _("Link to %(relation)s removed.") % {"relation": link.relation.name})
    return redirect("tasks:detail", pk=task.pk)


@staff_required
@require_POST
def task_move(request):
    form = MoveTasksForm(request.POST)
    next_url = safe_next_url(request, request.POST.get("next"))
    if not form.is_valid():
        messages.error(request, error_text(ValidationError(sum(form.errors.values(), []))))
        return redirect(next_url or "tasks:list")
    data = form.cleaned_data
    from_relation, to_relation = data["from_relation"], data["to_relation"]
    task_ids = open_task_ids_of(from_relation) if data["all_open"] else data["task_ids"]
    try:
        count = services.move_tasks(
            task_ids=task_ids, from_relation=from_relation, to_relation=to_relation, actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d task moved from %(from)s to %(to)s.", "%(count)d tasks moved from %(from)s to %(to)s.", count
            )
            % {"count": count, "from": from_relation.name, "to": to_relation.name},
        )
    return redirect(next_url or "tasks:list")


@staff_required
def support_tasks(request):
    """Customer view (seed "Taken > Supporttaken"): the tasks our supplier holds for us."""
    only_open = request.GET.get("open", "1") == "1"
    view = support_tasks_for(request.tenant, only_open=only_open, number=page_number(request))
    return render(
        request,
        "tasks/support.html",
        {
            "view": view,
            "only_open": only_open,
            "page_number": view.number if view else 1,
            "pages": view.pages if view else 0,
        },
    )


@staff_admin_required
def desk_settings_edit(request):
    """The contractant's desk rules: what the message box starts as, the reopen window, the
    support address."""
    form = DeskSettingsForm(request.POST or None, instance=desk_settings())
    if request.method == "POST" and form.is_valid():
        try:
            conversation.update_desk_settings(data=form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Desk settings saved."))
            return redirect("tasks:settings")
    return render(
        request,
        "tasks/settings.html",
        {"form": form, "support_address": support_address(request.tenant)},
    )


@staff_required
def support_task(request, code):
    """Customer view of one support task: its public conversation, read in the supplier's schema."""
    detail = support_task_detail(request.tenant, code)
    if detail is None:
        raise Http404
    return render(request, "tasks/support_detail.html", {"detail": detail})


@staff_required
def relation_tasks(request, pk: int):
    """A relation's Tasks tab."""
    relation = get_relation_for_staff(request, pk)
    only_open = request.GET.get("open", "1") == "1"
    page = task_page(number=page_number(request), relation_id=relation.pk, only_open=only_open)
    return render(
        request,
        "tasks/relation_tab.html",
        {
            "relation": relation,
            "tab": "tasks",
            "page": page,
            "only_open": only_open,
            "query_string": query_without_page(request),
        },
    )


@staff_required
@require_POST
def saved_view_create(request):
    """Save the task list's current filters under a name (a name used before is replaced)."""
    form = SavedViewForm(request.POST)
    next_url = reverse("tasks:list")
    if form.is_valid():
        try:
            view = saved_views.save_view(
                owner=request.user,
                name=form.cleaned_data["name"],
                params=request.POST,
                shared=form.cleaned_data["shared"],
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            next_url = f"{next_url}?{saved_views.saved_view_query(request.POST)}"
        else:
            messages.success(request, _("View %(name)s saved.") % {"name": view.name})
            next_url = f"{next_url}?{view.query}"
    else:
        messages.error(request, error_text(ValidationError(sum(form.errors.values(), []))))
        next_url = f"{next_url}?{saved_views.saved_view_query(request.POST)}"
    return redirect(next_url)


@staff_required
@require_POST
def saved_view_delete(request, pk: int):
    view = get_own_saved_view(request, pk)
    saved_views.delete_view(view=view, actor=request.user)
    messages.success(request, _("View %(name)s deleted.") % {"name": view.name})
    return redirect("tasks:list")
