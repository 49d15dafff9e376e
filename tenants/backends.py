"""The authentication backend: Django's ModelBackend, with a leaner read of the logged-in user."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from tenants.rows import fetch_one


class UserBackend(ModelBackend):
    """Every page of a logged-in user reads that user once (AuthenticationMiddleware): one
    plain statement (tenants.rows). The rules stay ModelBackend's (an inactive user is nobody),
    and the read runs in the schema of the request's host, like every other statement."""

    def get_user(self, user_id):
        user_model = get_user_model()
        user = fetch_one(user_model, user_model._meta.pk.name, user_model._meta.pk.to_python(user_id))
        return user if user is not None and self.user_can_authenticate(user) else None
