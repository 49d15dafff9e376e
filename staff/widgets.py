"""A form widget that picks one row by live search instead of a select of every row."""

from __future__ import annotations

from django import forms
from django.urls import reverse


class PickerWidget(forms.Widget):
    """The chosen row (if any) as a checked radio button, and a search box whose results (the
    picker view named `picker`, answering radio buttons named after the field) replace it.
    A select of a hundred thousand contacts would be megabytes of HTML; this is a few lines.

    `label` turns the chosen id into what the page shows; `picker` is a URL name such as
    "contacts:picker", called with ?field=<the field's name>&optional=1&q=<typed>."""

    template_name = "staff/widgets/picker.html"

    def __init__(self, *, picker: str, label, placeholder: str = "", attrs=None):
        super().__init__(attrs)
        self.picker, self.label, self.placeholder = picker, label, placeholder

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = self.label(value) if value not in (None, "") else ""
        context["widget"].update(
            {
                "chosen_label": chosen,
                "picker_url": f"{reverse(self.picker)}?field={name}&optional=1",
                "placeholder": self.placeholder,
            }
        )
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name)
