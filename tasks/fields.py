"""Form fields of the conversation: several files in one input (Django's documented pattern)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tasks.attachments import ACCEPTED_EXTENSIONS, MAX_FILES_PER_MESSAGE


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Zero or more files. What they may be is checked by content in tasks.attachments when they
    are stored; the input's `accept` only helps the browser's file picker."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attachments"))
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}))
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
