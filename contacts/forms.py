from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from contacts.models import AttributeDefinition, Contact, ContactLink
from contacts.services.attributes import clean_attribute_value
from contacts.services.merge import MERGE_FIELDS, MERGE_LABELS, merge_defaults, shown_value
from staff.forms import VersionFieldMixin


class ContactForm(VersionFieldMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["first_name", "infix", "last_name", "email", "phone", "job_title", "kind"]
        help_texts = {"infix": _("Such as “de” or “van der”; lists sort by the last name without it.")}

    def clean(self):
        data = super().clean()
        # The e-mail's uniqueness is the service's check: it names and links the existing contact.
        self._validate_unique = False
        return data


class ContactFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Contact.Status.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Contact.Kind.choices])


class ContactLinkForm(forms.ModelForm):
    class Meta:
        model = ContactLink
        fields = ["job_title", "is_admin", "is_approver", "status", "support_access", "sync_client_online", "from_date"]
        widgets = {"from_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class AttributeDefinitionForm(forms.ModelForm):
    choices_text = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One choice per line; only for the type 'Choice'."),
    )

    class Meta:
        model = AttributeDefinition
        fields = ["name", "type", "visible_in_portal", "editable_in_portal", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["choices_text"].initial = "\n".join(self.instance.choices)

    def clean(self):
        data = super().clean()
        data["choices"] = [line.strip() for line in data.get("choices_text", "").splitlines() if line.strip()]
        return data


class AttributeValuesForm(forms.Form):
    """One field per attribute definition, validated by the same rules as the service."""

    def __init__(self, *args, definitions, values: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.definitions = definitions
        Type = AttributeDefinition.Type
        for definition in definitions:
            name = f"attr_{definition.pk}"
            current = values.get(definition.pk, "")
            if definition.type == Type.BOOLEAN:
                field = forms.ChoiceField(
                    choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))], required=False, initial=current
                )
            elif definition.type == Type.CHOICE:
                field = forms.ChoiceField(
                    choices=[("", "—"), *[(c, c) for c in definition.choices]], required=False, initial=current
                )
            elif definition.type == Type.DATE:
                field = forms.CharField(required=False, initial=current, widget=forms.DateInput(attrs={"type": "date"}))
            else:
                field = forms.CharField(required=False, initial=current, max_length=1000)
            field.label = definition.name
            self.fields[name] = field

    def clean(self):
        data = super().clean()
        for definition in self.definitions:
            name = f"attr_{definition.pk}"
            try:
                clean_attribute_value(definition, data.get(name))
            except forms.ValidationError as exc:
                self.add_error(name, exc)
        return data

    def values(self) -> dict[int, str]:
        return {definition.pk: self.cleaned_data.get(f"attr_{definition.pk}") for definition in self.definitions}


class OutOfServiceForm(forms.Form):
    successor = forms.ModelChoiceField(
        label=_("Successor"),
        queryset=Contact.objects.filter(status=Contact.Status.ACTIVE),
        error_messages={"required": _("Choose who takes over."), "invalid_choice": _("Choose an active contact.")},
    )
    effective_date = forms.DateField(label=_("Out of service from"), widget=forms.DateInput(attrs={"type": "date"}))


class MergeForm(forms.Form):
    """Which record stays, and per field that differs whose value: radio buttons showing both
    values, by default the older record and its value unless it has none (merge_defaults)."""

    def __init__(self, *args, contact: Contact, other: Contact, **kwargs):
        super().__init__(*args, **kwargs)
        self.contact, self.other = contact, other
        survivor, keep = merge_defaults(contact, other)
        pair = [contact, other]
        self.fields["survivor"] = forms.TypedChoiceField(
            label=_("Record that stays"),
            coerce=int,
            choices=[(c.pk, f"{c.full_name} ({c.email})") for c in pair],
            initial=survivor.pk,
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Choose the record that stays."),
                "invalid_choice": _("Choose one of the two contacts."),
            },
        )
        self.choice_names = []
        for name in MERGE_FIELDS:
            values = [shown_value(c, name) for c in pair]
            if values[0] == values[1]:
                continue
            self.choice_names.append(f"keep_{name}")
            self.fields[f"keep_{name}"] = forms.TypedChoiceField(
                label=MERGE_LABELS[name],
                coerce=int,
                choices=[(c.pk, value or "—") for c, value in zip(pair, values, strict=True)],
                initial=keep[name],
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a value."), "invalid_choice": _("Choose one of the two values.")},
            )

    def keep(self) -> dict[str, int]:
        """Field -> the pk of the contact whose value stays (fields that are equal: the survivor's)."""
        survivor = self.cleaned_data["survivor"]
        return {name: self.cleaned_data.get(f"keep_{name}") or survivor for name in MERGE_FIELDS}
