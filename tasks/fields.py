"""Form fields of the conversation: several files in one input (Django's documented pattern)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_FILES_PER_MESSAGE = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Zero or more files; what they may be is checked by tasks.attachments on storing."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attachments"))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        files = [single(item, initial) for item in data] if isinstance(data, list | tuple) else [single(data, initial)]
        files = [item for item in files if item]
        if len(files) > MAX_FILES_PER_MESSAGE:
            raise forms.ValidationError(
                _("Attach at most %(count)d files to one message."), params={"count": MAX_FILES_PER_MESSAGE}
            )
        return files
