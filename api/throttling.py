"""Rate limit per API token (per staff member for a session), counted in the Redis cache,
whose keys carry the contractant's schema. Over the limit: 429 with Retry-After."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api_token"

    def get_rate(self):
        # Read when asked, not at import, so a changed setting (tests, a reload) applies.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        token = request.auth
        if isinstance(token, ApiToken):
            ident = f"token-{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
