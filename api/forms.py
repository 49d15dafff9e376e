from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken
from staff.validators import reject_control_characters


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        validators=[reject_control_characters],
        help_text=_("What uses the token, e.g. “Payroll link” or “Telephony lookup”."),
    )
    scope = forms.ChoiceField(label=_("Access"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ)
