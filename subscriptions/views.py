"""Staff pages for subscriptions and their technical setup."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from relations.access import get_relation_for_staff
from relations.selectors import relation_search
from staff.access import staff_required
from staff.ui import error_text, parse_id, search_text
from subscriptions import relink, services
from subscriptions.access import get_relink_record_for_staff, get_subscription_for_staff
from subscriptions.forms import SubscriptionForm, TechnicalSetupForm
from subscriptions.selectors import contractant_choices
from tenants.models import current_contractant


@staff_required
def subscription_create(request, relation_pk: int):
    relation = get_relation_for_staff(request, relation_pk)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.subscription_create(relation=relation, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Subscription added."))
        return redirect("subscriptions:relation_tab", pk=relation.pk)
    return render(request, "subscriptions/form.html", {"form": form, "relation": relation})


@staff_required
def subscription_edit(request, pk: int):
    subscription = get_subscription_for_staff(request, pk)
    form = SubscriptionForm(request.POST or None, instance=type(subscription).objects.get(pk=subscription.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_update(subscription=subscription, actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Subscription saved."))
            return redirect("subscriptions:relation_tab", pk=subscription.relation_id)
    return render(
        request,
        "subscriptions/form.html",
        {"form": form, "relation": subscription.relation, "subscription": subscription},
    )


@staff_required
@require_POST
def setup_bind(request, pk: int):
    subscription = get_subscription_for_staff(request, pk)
    prefix = f"setup-{subscription.pk}"
    if not current_contractant().is_supplier:
        # No page here offers this form: a post is crafted. Logged, and answered as if there
        # were nothing to post to.
        services.refuse_binding_outside_supplier(
            subscription=subscription, posted_contractant=request.POST.get(f"{prefix}-contractant"), actor=request.user
        )
        raise Http404
    if request.POST.get("action") == "search":
        # The search button without JavaScript: show the tab with the matches of what was typed.
        query = urlencode(
            {
                f"{prefix}-database": request.POST.get(f"{prefix}-database", ""),
                f"{prefix}-search": search_text(request.POST.get(f"{prefix}-search")),
            }
        )
        tab = reverse("subscriptions:relation_tab", args=[subscription.relation_id])
        return redirect(f"{tab}?{query}#subscription-{subscription.pk}")
    form = TechnicalSetupForm(request.POST, prefix=prefix)
    if not form.is_valid():
        messages.error(request, _("Choose a database and a contractant of that database."))
    else:
        try:
            setup = services.bind_technical_setup(
                subscription=subscription,
                contractant=form.cleaned_data["contractant"],
                database=form.cleaned_data["database"],
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("%(contractant)s is now bound to %(relation)s.")
                % {"contractant": setup.contractant.name, "relation": subscription.relation.name},
            )
    return redirect("subscriptions:relation_tab", pk=subscription.relation_id)


@staff_required
@require_POST
def setup_unbind(request, pk: int):
    subscription = get_subscription_for_staff(request, pk)
    try:
        services.unbind_technical_setup(subscription=subscription, actor=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Technical setup cleared."))
    return redirect("subscriptions:relation_tab", pk=subscription.relation_id)


@staff_required
def contractant_options(request):
    """htmx: the contractant choices matching the chosen database and search (suppliers only)."""
    if not current_contractant().is_supplier:
        raise Http404
    database = next((value for key, value in request.GET.items() if key.endswith("database")), "default")
    search = search_text(next((value for key, value in request.GET.items() if key.endswith("search")), ""))
    return render(
        request,
        "subscriptions/_contractant_options.html",
        {"contractants": contractant_choices(database=database, search=search)},
    )


@staff_required
def relation_subscriptions(request, pk: int):
    """A relation's Subscriptions tab."""
    relation = get_relation_for_staff(request, pk)
    subscriptions = list(
        relation.subscriptions.select_related("technical_setup__contractant").order_by("-is_active", "-start_date")
    )
    may_bind = current_contractant().is_supplier
    for subscription in subscriptions:
        if may_bind and subscription.is_active and not hasattr(subscription, "technical_setup"):
            subscription.setup_form = TechnicalSetupForm(prefix=f"setup-{subscription.pk}", query=request.GET)
    bound = next((s for s in subscriptions if hasattr(s, "technical_setup")), None)
    return render(
        request,
        "subscriptions/relation_tab.html",
        {
            "relation": relation,
            "tab": "subscriptions",
            "subscriptions": subscriptions,
            "bound_subscription": bound,
            "may_bind": may_bind,
        },
    )


@staff_required
def relink_wizard(request, pk: int):
    """Step 1: pick the new relation. Step 2 (?to=): preview. POST: relink."""
    relation = get_relation_for_staff(request, pk)
    to_pk = request.POST.get("to") or request.GET.get("to")
    to_relation_pk = parse_id(to_pk)
    to_relation = get_relation_for_staff(request, to_relation_pk) if to_relation_pk is not None else None
    if request.method == "POST" and to_relation is not None:
        try:
            result = relink.relink(from_relation=relation, to_relation=to_relation, actor=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            return redirect(f"{reverse('subscriptions:relink', args=[relation.pk])}?to={to_relation.pk}")
        text = ngettext(
            "%(contractant)s is now bound to %(relation)s; %(count)d open task moved with it.",
            "%(contractant)s is now bound to %(relation)s; %(count)d open tasks moved with it.",
            result.moved_task_count,
        ) % {
            "contractant": result.record.contractant.name,
            "relation": to_relation.name,
            "count": result.moved_task_count,
        }
        # The message carries an Undo button (a form, from a template) for this relink's record.
        messages.success(
            request,
            render_to_string(
                "subscriptions/_relinked_message.html", {"text": text, "record": result.record}, request=request
            ),
        )
        return redirect("subscriptions:relation_tab", pk=to_relation.pk)
    plan, refusal = None, None
    if to_relation is not None:
        try:
            plan = relink.relink_plan(from_relation=relation, to_relation=to_relation)
        except ValidationError as exc:
            refusal = error_text(exc)
    query = request.GET.get("q", "")
    return render(
        request,
        "subscriptions/relink.html",
        {
            "relation": relation,
            "to_relation": to_relation,
            "plan": plan,
            "refusal": refusal,
            "query": query,
            "results": relation_search(query=query, exclude_pk=relation.pk) if query else [],
        },
    )


@staff_required
@require_POST
def relink_undo(request, pk: int):
    record = get_relink_record_for_staff(request, pk)
    try:
        result = relink.relink_undo(record=record, actor=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("relations:history", pk=record.from_relation_id)
    messages.success(
        request,
        ngettext(
            "Relink undone: %(contractant)s is bound to %(relation)s again and %(count)d task moved back.",
            "Relink undone: %(contractant)s is bound to %(relation)s again and %(count)d tasks moved back.",
            result.moved_task_count,
        )
        % {
            "contractant": record.contractant.name,
            "relation": record.from_relation.name,
            "count": result.moved_task_count,
        },
    )
    return redirect("subscriptions:relation_tab", pk=record.from_relation_id)
