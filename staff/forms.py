"""Forms of the staff shell: the login, the security log's filters, and the version an edit
form carries (for every app's edit forms, staff and portal alike)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from audit.models import SecurityEvent
from audit.updates import StaleVersionError
from staff.ui import parse_id, staff_name


class VersionFieldMixin:
    """A hidden `version`: the one the edited object had when the form was drawn, so its update
    service refuses a save over a newer one (audit.updates.lock_for_update). A ModelForm carries
    it when it edits (its instance is saved); a plain form when its `initial` has a version.
    Mixed in before the form class: `class ContactForm(VersionFieldMixin, forms.ModelForm)`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None:
            self.fields["version"] = forms.CharField(widget=forms.HiddenInput, required=False, initial=instance.version)
        elif instance is None and "version" in self.initial:
            self.fields["version"] = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_version(self) -> int:
        # Anything but a number counts as drawn at no known version: the save is checked as stale.
        return parse_id(self.cleaned_data.get("version")) or 0


def show_stale_version(form: forms.BaseForm, exc: StaleVersionError) -> int:
    """A save refused as stale: the form is shown again with what the user typed, the
    differences as its errors, and the hidden version set to the row's now, so saving it again
    keeps the user's values knowingly. Returns the status to answer (409)."""
    form.add_error(None, exc)
    form.data = form.data.copy()
    form.data[form.add_prefix("version")] = str(exc.version)
    return 409


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


class StaffMemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return staff_name(obj)


class StaffMembersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return staff_name(obj)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    lead = StaffMemberChoiceField(
        label=_("Team lead"),
        required=False,
        queryset=None,
        help_text=_("Hears of the team's SLA breaches; always a member."),
    )
    members = StaffMembersField(label=_("Members"), required=False, queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = staff
        self.fields["members"].queryset = staff
