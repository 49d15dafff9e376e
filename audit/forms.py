from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import SecurityEvent


class SecurityEventFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *SecurityEvent.Kind.choices]
    )
