from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact
from relations.models import Relation
from staff.forms import VersionFieldMixin
from staff.models import Team
from staff.teams import active_staff
from staff.ui import parse_id
from staff.widgets import PickerWidget
from tasks.conversation import MAX_MESSAGE_LENGTH, STATUSES_WITH_A_MESSAGE
from tasks.fields import AttachmentsField
from tasks.models import DeskSettings, Task, TaskMessage


def relation_label(pk) -> str:
    relation = Relation.objects.filter(pk=parse_id(str(pk))).only("name", "customer_number").first()
    return f"{relation.name} ({relation.customer_number})" if relation else ""


def contact_label(pk) -> str:
    contact = Contact.objects.filter(pk=parse_id(str(pk))).only("first_name", "last_name", "email").first()
    return f"{contact.full_name} <{contact.email}>" if contact else ""


class StaffUserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.email or obj.username


class TaskFilterForm(forms.Form):
    """The task list's filters. The relation is picked by live search (relation_search, the
    relation picker) and travels by id; the page renders only the chosen relation, never a
    list of every relation of the contractant."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    relation = forms.ModelChoiceField(label=_("Relation"), required=False, queryset=Relation.objects.all())
    relation_search = forms.CharField(label=_("Find a relation"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Task.Status.choices]
    )
    assignee = StaffUserChoiceField(
        label=_("Assignee"), required=False, queryset=active_staff(), empty_label=_("Anyone")
    )
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.order_by("name"), empty_label=_("Any team")
    )
    open = forms.BooleanField(label=_("Only open tasks"), required=False)


class SavedViewForm(forms.Form):
    """Name and sharing of a saved view; the filters come with it as the list's own fields."""

    name = forms.CharField(label=_("Name of the view"), max_length=60)
    shared = forms.BooleanField(label=_("Share with the team"), required=False)


class TaskForm(VersionFieldMixin, forms.ModelForm):
    assignee = StaffUserChoiceField(label=_("Assignee"), required=False, queryset=active_staff())
    # Picked by live search: a select of every relation or contact would be megabytes at a
    # production size (staff.widgets.PickerWidget).
    relation = forms.ModelChoiceField(
        label=_("Relation"),
        required=False,
        queryset=Relation.objects.all(),
        help_text=_("The relation this task is for; more can be linked later."),
        widget=PickerWidget(
            picker="relations:picker", label=relation_label, placeholder=_("Name, customer number or KvK number")
        ),
    )

    class Meta:
        model = Task
        fields = ["subject", "description", "priority", "assignee", "team", "reporter"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "reporter": PickerWidget(
                picker="contacts:picker", label=contact_label, placeholder=_("Name or e-mail address")
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reporter"].queryset = Contact.objects.filter(status=Contact.Status.ACTIVE)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Task.Status.choices)


class MessageForm(forms.Form):
    """Staff's message box: public reply or internal note is chosen on every message."""

    kind = forms.ChoiceField(
        label=_("Message type"),
        choices=TaskMessage.Kind.choices,
        widget=forms.RadioSelect,
        initial=TaskMessage.Kind.REPLY,
    )
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=MAX_MESSAGE_LENGTH, required=False
    )
    files = AttachmentsField()
    set_status = forms.ChoiceField(
        label=_("Then set the status to"),
        required=False,
        choices=[("", _("(unchanged)"))] + [(status.value, status.label) for status in STATUSES_WITH_A_MESSAGE],
    )


class MoveTasksForm(forms.Form):
    """Move the links of selected tasks (or all open tasks) from one relation to another."""

    from_relation = forms.ModelChoiceField(queryset=Relation.objects.all(), widget=forms.HiddenInput)
    to_relation = forms.ModelChoiceField(
        label=_("Move to relation"),
        queryset=Relation.objects.all(),
        error_messages={"required": _("Choose the relation to move the tasks to.")},
    )
    task_ids = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    all_open = forms.BooleanField(required=False, label=_("All open tasks of this relation"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any integer is acceptable here: move_tasks only touches links to from_relation.
        self.fields["task_ids"].choices = [
            (value, value) for value in self.data.getlist("task_ids") if parse_id(value) is not None
        ]

    def clean(self):
        data = super().clean()
        if not data.get("task_ids") and not data.get("all_open"):
            raise forms.ValidationError(_("Select at least one task, or all open tasks."))
        return data


class DeskSettingsForm(forms.ModelForm):
    class Meta:
        model = DeskSettings
        fields = ["default_message_kind", "reopen_window_days", "support_address_local_part"]
        widgets = {"default_message_kind": forms.RadioSelect}

    def clean_support_address_local_part(self):
        value = self.cleaned_data["support_address_local_part"].strip().lower()
        # An address's part before the @: letters, digits, dots, hyphens; "reply+" is ours.
        if not re.fullmatch(r"[a-z0-9][a-z0-9.\-]{0,62}", value) or value.startswith("reply"):
            raise forms.ValidationError(_("Use letters, digits, dots or hyphens, for example 'support'."))
        return value
