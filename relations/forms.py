from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from relations.models import Relation


class RelationForm(forms.ModelForm):
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
        ]


class RelationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Relation.Kind.choices])
    active = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), ("yes", _("Active")), ("no", _("Inactive"))]
    )
