"""Forms of two-factor login: a code, the password that confirms switching it off, the policy."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )


class LoginCodeForm(CodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _(
            "The six digits your authenticator app shows now, or one of your recovery codes."
        )


class SetupCodeForm(CodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Code from the app")
        self.fields["code"].widget.attrs["inputmode"] = "numeric"


class DisableForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class PolicyForm(forms.Form):
    staff_required = forms.BooleanField(label=_("Require two-factor login for all staff"), required=False)
