from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.models import PrivacySettings


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )


class PrivacySettingsForm(forms.ModelForm):
    class Meta:
        model = PrivacySettings
        fields = ["retention_years"]
