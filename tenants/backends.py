"""The authentication backend: Django's ModelBackend, with a leaner read of the logged-in user."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection


class UserBackend(ModelBackend):
    """Every page of a logged-in user reads that user once (AuthenticationMiddleware). The ORM
    spent longer composing that primary-key read than the database spent answering it, so it
    is one plain statement over the user's own columns; the rules stay ModelBackend's (an
    inactive user is nobody), and the read runs in the schema of the request's host, like
    every other statement."""

    def get_user(self, user_id):
        user_model = get_user_model()
        fields = user_model._meta.concrete_fields
        columns = ", ".join(f'"{field.column}"' for field in fields)
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT {columns} FROM "{user_model._meta.db_table}" WHERE "{user_model._meta.pk.column}" = %s',
                [user_model._meta.pk.to_python(user_id)],
            )
            row = cursor.fetchone()
        if row is None:
            return None
        user = user_model.from_db(connection.alias, [field.attname for field in fields], row)
        return user if self.user_can_authenticate(user) else None
