from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from contacts.models import Contact, ContactLink
from portal.services import ADDRESS_FIELDS
from relations.models import Relation
from staff.forms import VersionFieldMixin
from staff.validators import reject_control_characters
from tasks.conversation import MAX_MESSAGE_LENGTH
from tasks.fields import AttachmentsField
from tasks.models import Task

# Every single-line text a portal user types: a line break in a name would end up in a mail
# header or a one-line display (the form refuses it, instead of a mail failing after commit).
ONE_LINE = [reject_control_characters]


class PortalLoginForm(forms.Form):
    username = forms.CharField(label=_("E-mail address"), max_length=254, validators=ONE_LINE)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)


class AccessRequestForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))


class AddressForm(VersionFieldMixin, forms.ModelForm):
    class Meta:
        model = Relation
        fields = ADDRESS_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if reject_control_characters not in field.validators:
                field.validators.append(reject_control_characters)


class ContactInviteForm(forms.Form):
    """Add a contact: a name and an address, which gets an invitation (portal.invitations). The
    rest (phone, preferences) is the person's, once they accepted."""

    first_name = forms.CharField(label=_("First name"), max_length=100, required=False, validators=ONE_LINE)
    last_name = forms.CharField(label=_("Last name"), max_length=100, validators=ONE_LINE)
    email = forms.EmailField(label=_("E-mail address"))


class OrganisationContactForm(VersionFieldMixin, ContactInviteForm):
    """A contact's details; `initial` carries the contact's version (staff.forms.VersionFieldMixin)."""

    phone = PhoneNumberField(label=_("Phone"), required=False, region="NL")
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("A new address is changed once it is confirmed by the link we e-mail to it."),
    )


ONLY_WITH_SUPPORT_ACCESS = _("Only with support access")


class RadioSelectWithReasons(forms.RadioSelect):
    """Radio buttons where an option the user may not choose is shown disabled, with the reason
    next to it (`unavailable`: value -> reason), so the page says what is allowed before saving."""

    option_template_name = "portal/widgets/radio_option_with_reason.html"

    def __init__(self, *args, unavailable: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unavailable = unavailable or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        reason = self.unavailable.get(str(value))
        if reason:
            option["attrs"]["disabled"] = True
            option["attrs"]["aria-describedby"] = f"{option['attrs'].get('id', name)}-reason"
            option["reason"] = reason
        return option


class NotificationForm(forms.Form):
    notify_scope = forms.ChoiceField(
        label=_("Notify about"), choices=Contact.NotifyScope.choices, widget=RadioSelectWithReasons
    )
    notify_trigger = forms.ChoiceField(label=_("Notify when"), choices=Contact.NotifyTrigger.choices)

    def __init__(self, *args, may_notify_about_all: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.may_notify_about_all = may_notify_about_all
        if not may_notify_about_all:
            self.fields["notify_scope"].widget.unavailable = {Contact.NotifyScope.ALL.value: ONLY_WITH_SUPPORT_ACCESS}

    def clean_notify_scope(self):
        # Refused here too, with the reason the page shows, for a post that skips the page.
        scope = self.cleaned_data["notify_scope"]
        if scope == Contact.NotifyScope.ALL and not self.may_notify_about_all:
            raise forms.ValidationError(ONLY_WITH_SUPPORT_ACCESS)
        return scope


class MembershipRequestForm(forms.Form):
    customer_number = forms.CharField(label=_("Customer number"), max_length=20, validators=ONE_LINE)
    coc_number = forms.CharField(label=_("KvK number"), max_length=8, validators=ONE_LINE)


class InvitationDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])


class ClaimDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    support_access = forms.ChoiceField(
        label=_("Support access"), choices=ContactLink.SupportAccess.choices, initial=ContactLink.SupportAccess.NONE
    )


class MemberAccessForm(forms.Form):
    support_access = forms.ChoiceField(label=_("Support access"), choices=ContactLink.SupportAccess.choices)
    is_admin = forms.BooleanField(label=_("Administrator"), required=False)


class MemberRemoveForm(forms.Form):
    # Only the confirmation page sends it: the members page's button asks first.
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class PortalTaskForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200, validators=ONE_LINE)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)


class PortalCommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_MESSAGE_LENGTH, required=False
    )
    files = AttachmentsField()


class TaskFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100, validators=ONE_LINE)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Task.Status.choices])
