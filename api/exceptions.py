"""The API's errors: a service's ValidationError (the same the pages show) becomes a 400 with its
messages per field, a stale version a 409; everything else as DRF answers it."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from audit.updates import StaleVersionError
from contacts.services.contacts import DuplicateContactError


def _detail(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}


def api_exception_handler(exc, context):
    if isinstance(exc, StaleVersionError):
        return Response({**_detail(exc), "version": exc.version}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DuplicateContactError):
        body = _detail(exc)
        if exc.existing is not None:
            body["existing_contact"] = exc.existing.pk
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        return Response(_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    return exception_handler(exc, context)
