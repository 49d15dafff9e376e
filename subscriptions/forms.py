from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from subscriptions.models import Subscription
from tenants.models import Contractant, database_choices


def contractants_in(database: str):
    return Contractant.objects.filter(database=database, is_active=True).order_by("name")


class SubscriptionForm(forms.ModelForm):
    class Meta:
        model = Subscription
        fields = ["product", "start_date", "end_date", "is_active"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class TechnicalSetupForm(forms.Form):
    """Database + Contractant, as in the seed; the contractant list follows the database."""

    database = forms.ChoiceField(label=_("Database"), choices=database_choices)
    contractant = forms.ModelChoiceField(
        label=_("Contractant"), queryset=Contractant.objects.none(), empty_label=_("Choose a contractant")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        database = self.data.get(self.add_prefix("database")) or self.initial.get("database") or "default"
        self.fields["contractant"].queryset = contractants_in(database)
