"""Access helpers for webhook pages: staff administrators of this contractant only; an id
that is not one of this contractant's gives 404 (the rows live in its own schema)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from webhooks.models import Delivery, Endpoint


def get_endpoint_for_admin(request, pk: int) -> Endpoint:
    # The view is behind staff.access.staff_admin_required; the schema does the rest.
    return get_object_or_404(Endpoint, pk=pk)


def get_delivery_for_admin(request, pk: int) -> Delivery:
    return get_object_or_404(Delivery.objects.select_related("endpoint"), pk=pk)
