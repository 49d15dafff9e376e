"""Who may call the API: staff of this contractant; with a token, only within its scope."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from api.models import ApiToken


class StaffWithScope(permissions.BasePermission):
    message = _("This API token may only read; ask an administrator for a token with write access.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_staff):
            self.message = _("Only staff of this environment may use the API.")
            return False
        token = request.auth
        if isinstance(token, ApiToken) and request.method not in permissions.SAFE_METHODS:
            self.message = StaffWithScope.message
            return token.can_write
        return True
