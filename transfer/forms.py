from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV or XLSX with the columns of the template file; an XLSX file may hold both sheets."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class ExportFormatForm(forms.Form):
    format = forms.ChoiceField(choices=[("csv", "CSV"), ("xlsx", "XLSX")], required=False)
