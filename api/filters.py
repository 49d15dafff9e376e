"""Filtering on the list pages' own filter forms: the API's list endpoints take the same query
parameters as the pages (?q=, ?kind=, ?status=...), checked by the same form, and pass the
cleaned values to the same selector. A value the form refuses is a 400 naming the parameter,
not a silently unfiltered list."""

from __future__ import annotations

from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

# Query parameters of the pages that only their picker widget uses.
PAGE_ONLY = {"relation_search"}


def cleaned_filters(form_class: type[forms.Form], request) -> dict:
    form = form_class(request.query_params)
    if not form.is_valid():
        raise ValidationError(form.errors)
    return form.cleaned_data


def _parameter_type(field: forms.Field):
    if isinstance(field, forms.ModelChoiceField):
        return OpenApiTypes.INT
    if isinstance(field, forms.BooleanField):
        return OpenApiTypes.BOOL
    return OpenApiTypes.STR


def form_parameters(form_class: type[forms.Form]) -> list[OpenApiParameter]:
    """The filter form's fields as the OpenAPI query parameters of a list endpoint."""
    parameters = []
    for name, field in form_class.base_fields.items():
        if name in PAGE_ONLY:
            continue
        choices = None
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            choices = [str(value) for value, _label in field.choices if value != ""]
        parameters.append(
            OpenApiParameter(
                name,
                _parameter_type(field),
                OpenApiParameter.QUERY,
                required=False,
                description=str(field.label or ""),
                enum=choices,
            )
        )
    return parameters
