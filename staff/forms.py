"""Forms of the staff shell: the login and the security log's filters."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from audit.models import SecurityEvent


class SecurityEventFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *SecurityEvent.Kind.choices]
    )


class StaffAuthenticationForm(AuthenticationForm):
    """Staff login: only users with the staff flag of this contractant get in."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("E-mail address or password is incorrect."),
        "not_staff": _("This account has no access to the staff back office."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("E-mail address")

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise ValidationError(self.error_messages["not_staff"], code="not_staff")
