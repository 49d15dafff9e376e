from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from contacts.models import Contact, ContactLink
from portal.services import ADDRESS_FIELDS
from relations.models import Relation
from tasks.models import Task


class PortalLoginForm(forms.Form):
    username = forms.CharField(label=_("E-mail address"), max_length=254)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)


class AccessRequestForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))


class AddressForm(forms.ModelForm):
    class Meta:
        model = Relation
        fields = ADDRESS_FIELDS


class OrganisationContactForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail address"))
    phone = PhoneNumberField(label=_("Phone"), required=False, region="NL")


class NotificationForm(forms.Form):
    notify_scope = forms.ChoiceField(label=_("Notify about"), choices=Contact.NotifyScope.choices)
    notify_trigger = forms.ChoiceField(label=_("Notify when"), choices=Contact.NotifyTrigger.choices)


class MembershipRequestForm(forms.Form):
    customer_number = forms.CharField(label=_("Customer number"), max_length=20)
    coc_number = forms.CharField(label=_("KvK number"), max_length=8)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    support_access = forms.ChoiceField(
        label=_("Support access"), choices=ContactLink.SupportAccess.choices, initial=ContactLink.SupportAccess.NONE
    )


class MemberAccessForm(forms.Form):
    support_access = forms.ChoiceField(label=_("Support access"), choices=ContactLink.SupportAccess.choices)
    is_admin = forms.BooleanField(label=_("Administrator"), required=False)


class PortalTaskForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)


class PortalCommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


class TaskFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Task.Status.choices])
