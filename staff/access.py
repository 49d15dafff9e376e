"""Access helpers for the staff surface: one choke point for who may see staff pages."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def staff_required(view):
    """Logged in as a staff user of this contractant; anonymous users go to the login page.

    Sessions live in the contractant's own schema, so a session from another host can
    never authenticate here.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def staff_admin_required(view):
    """A staff administrator (superuser) of this contractant: pages like the security log.

    Anonymous users go to the login page; other staff and portal users get 403.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff_admin(user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def is_staff_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_staff and user.is_superuser)
