"""Staff administrators' webhook pages: endpoints, their delivery log, redeliver and resume."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from staff.access import staff_admin_required
from webhooks import signing
from webhooks.access import get_delivery_for_admin, get_endpoint_for_admin
from webhooks.forms import EndpointForm
from webhooks.selectors import delivery_count, delivery_log, endpoint_list
from webhooks.services import (
    delivery_redeliver,
    endpoint_create,
    endpoint_delete,
    endpoint_resume,
    endpoint_update,
)


def _headers() -> dict:
    return {
        "event_header": signing.EVENT_HEADER,
        "delivery_header": signing.DELIVERY_HEADER,
        "timestamp_header": signing.TIMESTAMP_HEADER,
        "signature_header": signing.SIGNATURE_HEADER,
        "tolerance": settings.WEBHOOKS_TIMESTAMP_TOLERANCE,
    }


@staff_admin_required
def endpoint_index(request):
    return render(request, "webhooks/endpoints.html", {"endpoints": endpoint_list()})


@staff_admin_required
def endpoint_new(request):
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = endpoint_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("url", error)
        else:
            # The secret is shown on this response only; it is never shown again.
            return render(
                request, "webhooks/endpoint_created.html", {"endpoint": endpoint, "secret": secret, **_headers()}
            )
    return render(request, "webhooks/endpoint_form.html", {"form": form, "endpoint": None})


@staff_admin_required
def endpoint_detail(request, pk: int):
    endpoint = get_endpoint_for_admin(request, pk)
    log = delivery_log(endpoint=endpoint)
    return render(
        request,
        "webhooks/endpoint_detail.html",
        {"endpoint": endpoint, "deliveries": log, "total": delivery_count(endpoint=endpoint), **_headers()},
    )


@staff_admin_required
def endpoint_edit(request, pk: int):
    endpoint = get_endpoint_for_admin(request, pk)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint_update(endpoint=endpoint, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("url", error)
        else:
            messages.success(request, _("Webhook endpoint saved."))
            return redirect("webhooks:detail", endpoint.pk)
    return render(request, "webhooks/endpoint_form.html", {"form": form, "endpoint": endpoint})


@staff_admin_required
@require_POST
def endpoint_resume_view(request, pk: int):
    endpoint = get_endpoint_for_admin(request, pk)
    held = endpoint_resume(endpoint=endpoint, actor=request.user)
    messages.success(request, _("Endpoint resumed; held deliveries sent again: %(count)s.") % {"count": held})
    return redirect("webhooks:detail", endpoint.pk)


@staff_admin_required
@require_POST
def endpoint_delete_view(request, pk: int):
    endpoint = get_endpoint_for_admin(request, pk)
    endpoint_delete(endpoint=endpoint, actor=request.user)
    messages.success(request, _("Webhook endpoint %(url)s deleted.") % {"url": endpoint.url})
    return redirect("webhooks:list")


@staff_admin_required
@require_POST
def delivery_redeliver_view(request, pk: int):
    delivery = get_delivery_for_admin(request, pk)
    delivery_redeliver(delivery=delivery, actor=request.user)
    if delivery.endpoint.is_paused:
        messages.warning(request, _("The endpoint is paused: the delivery is held until you resume it."))
    else:
        messages.success(request, _("The delivery is queued again; the log shows its outcome."))
    return redirect("webhooks:detail", delivery.endpoint_id)
