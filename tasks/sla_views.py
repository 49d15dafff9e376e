"""The contractant's SLA policy page (staff administrators only, like the desk settings)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from staff.access import staff_admin_required
from staff.ui import error_text
from tasks.models import SlaPolicy
from tasks.sla import POLICY_FIELDS, sla_policy, sla_policy_update

WEEKDAYS = [
    ("1", gettext_lazy("Monday")),
    ("2", gettext_lazy("Tuesday")),
    ("3", gettext_lazy("Wednesday")),
    ("4", gettext_lazy("Thursday")),
    ("5", gettext_lazy("Friday")),
    ("6", gettext_lazy("Saturday")),
    ("7", gettext_lazy("Sunday")),
]


class SlaPolicyForm(forms.ModelForm):
    business_days = forms.MultipleChoiceField(
        label=gettext_lazy("business days"), choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = SlaPolicy
        fields = POLICY_FIELDS
        widgets = {
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["business_days"] = list(self.instance.business_days)
        for name in POLICY_FIELDS:
            if name.endswith(("_low", "_normal", "_high", "_urgent")):
                self.fields[name].widget.attrs["min"] = 1
                self.fields[name].help_text = _("business minutes")

    def clean_business_days(self) -> str:
        return "".join(sorted(self.cleaned_data["business_days"]))


@staff_admin_required
def sla_policy_edit(request):
    """Business hours and, per priority, the response and resolution targets."""
    form = SlaPolicyForm(request.POST or None, instance=sla_policy())
    if request.method == "POST" and form.is_valid():
        try:
            sla_policy_update(data=form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("SLA policy saved."))
            return redirect("tasks:sla_policy")
    return render(request, "tasks/sla_policy.html", {"form": form})
