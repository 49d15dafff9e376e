from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.kinds import Kind

APP, EMAIL = "app", "email"
DELIVERY_CHOICES = [(APP, _("In the app only")), (EMAIL, _("In the app and by e-mail"))]


class PreferenceForm(forms.Form):
    """One choice per kind of notification: in the app only, or in the app and by e-mail."""

    def __init__(self, *args, choices: dict[str, bool], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=DELIVERY_CHOICES,
                initial=EMAIL if choices[kind.value] else APP,
                error_messages={
                    "required": _("Choose “in the app only” or “in the app and by e-mail”."),
                    "invalid_choice": _("Choose “in the app only” or “in the app and by e-mail”."),
                },
            )

    def email_kinds(self) -> list[str]:
        return [kind for kind, value in self.cleaned_data.items() if value == EMAIL]
