"""API authentication: `Authorization: Bearer <key>` names an active token of this contractant.

The request is then its owner's (a staff member), so the services record them in history;
`request.auth` is the token, which the scope permission and the throttle read. Staff logged
in to the back office may use the API (and its docs) with their session too, CSRF-checked.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from api.selectors import active_token_for_key
from api.services import token_mark_used

KEYWORDS = ("bearer", "token")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].decode(errors="replace").lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the key as: Authorization: Bearer <key>."))
        try:
            key = parts[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This API key is unknown or has been revoked.")) from None
        token = active_token_for_key(key)
        if token is None or not token.owner.is_active or not token.owner.is_staff:
            raise exceptions.AuthenticationFailed(_("This API key is unknown or has been revoked."))
        token_mark_used(token=token)
        return token.owner, token

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (with this challenge) rather than 403 to a request without a key.
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The token as the OpenAPI schema describes it (drf-spectacular finds this subclass)."""

    target_class = "api.authentication.ApiTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": str(_("An API token from /api/tokens/."))}
