from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from staff.validators import reject_control_characters


class MailTaskForm(forms.Form):
    """A task from a mail of an unknown sender. The relation it is for is picked by live search
    (relations.selectors.relation_search) and posted as `relation`, an id the view reads."""

    subject = forms.CharField(label=_("Subject"), max_length=200, validators=[reject_control_characters])
