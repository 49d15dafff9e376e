"""What every endpoint module shares: the token of a request, a recorded write, checked input."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from api.models import ApiToken
from api.services import api_write
from staff.ui import parse_id


def token_of(request: Request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


def recorded_write(request: Request, action: str, write, label):
    return api_write(actor=request.user, token=token_of(request), action=action, write=write, label=label)


def validated(serializer_class, request: Request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, context={"request": request}, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def id_param(value, name: str) -> int:
    pk = parse_id(value)
    if pk is None:
        raise ValidationError({name: [_("Give the id of a relation.")]})
    return pk
