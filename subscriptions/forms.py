from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from staff.ui import search_text
from staff.validators import reject_control_characters
from subscriptions.models import Subscription
from subscriptions.selectors import contractant_choices
from tenants.models import Contractant, database_choices


class SubscriptionForm(forms.ModelForm):
    class Meta:
        model = Subscription
        fields = ["product", "start_date", "end_date", "is_active"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class TechnicalSetupForm(forms.Form):
    """Database + Contractant, as in the seed. The contractant is picked from a search, never
    from a list of the whole platform; only a supplier environment gets this form at all."""

    database = forms.ChoiceField(label=_("Database"), choices=database_choices)
    search = forms.CharField(
        label=_("Find a contractant"),
        required=False,
        max_length=100,
        validators=[reject_control_characters],
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("Name, schema or host of a customer contractant."),
    )
    contractant = forms.ModelChoiceField(
        label=_("Contractant"), queryset=Contractant.objects.none(), empty_label=_("Choose a contractant")
    )

    def __init__(self, *args, query=None, **kwargs):
        """`query`: the tab's GET parameters, which carry a search made without JavaScript."""
        super().__init__(*args, **kwargs)
        source = self.data if self.is_bound else (query or {})
        database = source.get(self.add_prefix("database")) or "default"
        if database not in dict(database_choices()):
            database = "default"
        if self.is_bound:
            # Posted: any active contractant of the database is a valid choice (looked up by key),
            # also one the picker never offers (a supplier, this environment): the service then
            # refuses it and writes the refusal to the security log, as it should for a crafted post.
            self.fields["contractant"].queryset = Contractant.objects.filter(database=database, is_active=True)
        else:
            self.initial.update({"database": database, "search": search_text(source.get(self.add_prefix("search")))})
            # Drawn by the template (subscriptions/_contractant_options.html), as the htmx search does.
            self.choices_shown = contractant_choices(database=database, search=self.initial["search"])
