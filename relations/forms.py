from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from relations.models import Relation
from staff.forms import VersionFieldMixin
from staff.validators import reject_control_characters


class RelationForm(VersionFieldMixin, forms.ModelForm):
    class Meta:
        model = Relation
        fields = [
            "kind",
            "name",
            "customer_number",
            "coc_number",
            "street",
            "house_number",
            "postcode",
            "city",
            "country",
            "is_active",
            "sync_client_online",
        ]


class PersonRelationForm(RelationForm):
    """A new klant-persoon: the relation plus the contact who is that person."""

    person_first_name = forms.CharField(
        label=_("First name of the person"), max_length=100, required=False, validators=[reject_control_characters]
    )
    person_last_name = forms.CharField(
        label=_("Last name of the person"), max_length=100, required=False, validators=[reject_control_characters]
    )
    person_email = forms.EmailField(
        label=_("E-mail address of the person"),
        required=False,
        help_text=_("For a person-relation: an existing contact with this e-mail is linked, otherwise one is created."),
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == Relation.Kind.PERSON:
            for name in ["person_last_name", "person_email"]:
                if not data.get(name):
                    self.add_error(name, _("Required for a person-relation."))
        return data


class RelationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Relation.Kind.choices])
    active = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), ("yes", _("Active")), ("no", _("Inactive"))]
    )
