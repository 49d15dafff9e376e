"""The endpoint form: where to send, and which events."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from staff.validators import reject_control_characters
from webhooks.addresses import check_url
from webhooks.models import EventKind


class EndpointForm(forms.Form):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The receiver’s address, starting with https://. Deliveries are POST requests with a JSON body."),
    )
    description = forms.CharField(
        label=_("Description"), max_length=200, required=False, validators=[reject_control_characters]
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EventKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event to send.")},
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            check_url(url)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return url
