"""The authentication backend: Django's ModelBackend, with a leaner read of the logged-in user."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from tenants.rows import columns, fetch_instances


class UserBackend(ModelBackend):
    """Every page of a logged-in user reads that user once (AuthenticationMiddleware): one
    plain statement (tenants.rows). The rules stay ModelBackend's (an inactive user is nobody),
    and the read runs in the schema of the request's host, like every other statement."""

    def get_user(self, user_id):
        user_model = get_user_model()
        meta = user_model._meta
        found = fetch_instances(
            f'SELECT {columns(user_model, "account")} FROM "{meta.db_table}" account'
            f' WHERE account."{meta.pk.column}" = %s',
            [meta.pk.to_python(user_id)],
            user_model,
        )
        if not found:
            return None
        user = found[0][0]
        return user if self.user_can_authenticate(user) else None
