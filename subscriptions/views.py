"""Staff pages for subscriptions and their technical setup."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relations.access import get_relation_for_staff
from subscriptions import services
from subscriptions.access import get_subscription_for_staff
from subscriptions.forms import SubscriptionForm, TechnicalSetupForm, contractants_in
from tenants.access import staff_required
from tenants.ui import error_text


@staff_required
def subscription_create(request, relation_pk: int):
    relation = get_relation_for_staff(request, relation_pk)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.subscription_create(relation=relation, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Subscription added."))
        return redirect("relations:subscriptions", pk=relation.pk)
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
            return redirect("relations:subscriptions", pk=subscription.relation_id)
    return render(
        request,
        "subscriptions/form.html",
        {"form": form, "relation": subscription.relation, "subscription": subscription},
    )


@staff_required
@require_POST
def setup_bind(request, pk: int):
    subscription = get_subscription_for_staff(request, pk)
    form = TechnicalSetupForm(request.POST, prefix=f"setup-{subscription.pk}")
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
    return redirect("relations:subscriptions", pk=subscription.relation_id)


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
    return redirect("relations:subscriptions", pk=subscription.relation_id)


@staff_required
def contractant_options(request):
    """htmx: the contractant choices of the chosen database."""
    database = next((value for key, value in request.GET.items() if key.endswith("database")), "default")
    return render(request, "subscriptions/_contractant_options.html", {"contractants": contractants_in(database)})
