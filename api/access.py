"""One access helper per model: a missing and a forbidden object give the same 404."""

from django.shortcuts import get_object_or_404

from api.models import ApiToken


def get_token_for_staff_admin(request, pk: int) -> ApiToken:
    """A token of this contractant (the schema is the host's own), for the token page of a staff
    administrator (staff.access.staff_admin_required)."""
    return get_object_or_404(ApiToken, pk=pk)
