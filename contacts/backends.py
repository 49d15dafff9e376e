"""Logging in with a secondary e-mail address (contacts.models.ContactEmail).

A merge keeps the absorbed contact's address as a secondary address of the contact that stays,
and its portal login becomes that contact's, named after the address that stays. Whoever
logged in with the other address still can: this backend finds the login through the secondary
address and checks the password like Django's own ModelBackend, whose checks it reuses.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django_tenants.utils import get_public_schema_name

from contacts.models import ContactEmail


class SecondaryEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        address = (username or "").strip().lower()
        # The public schema (the platform admin) has no contacts.
        if not address or password is None or getattr(connection, "schema_name", None) == get_public_schema_name():
            return None
        secondary = (
            ContactEmail.objects.filter(Exact(Lower("email"), address), contact__user__isnull=False)
            .select_related("contact__user")
            .first()
        )
        if secondary is None:
            return None
        user = secondary.contact.user
        if user is not None and user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
