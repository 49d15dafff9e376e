"""The bulk-action form under the task list (templates/tasks/_bulk_form.html)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from relations.models import Relation
from staff.models import Team
from staff.teams import active_staff
from staff.ui import parse_id, staff_name
from tasks.bulk import NOBODY
from tasks.conversation import MAX_MESSAGE_LENGTH
from tasks.models import BulkJob, Task

SELECTED, MATCHING = "selected", "matching"


class BulkActionForm(forms.Form):
    """An action, the fields it needs, and the tasks: ticked ones (task_ids) or every task the
    list's filters match (scope=matching, the filters as the list's query string). Fields the
    chosen action does not need are ignored."""

    action = forms.ChoiceField(
        label=_("Action"),
        choices=[("", _("Choose an action")), *BulkJob.Action.choices],
        error_messages={
            "required": _("Choose what to do with the selected tasks."),
            "invalid_choice": _("Choose what to do with the selected tasks."),
        },
    )
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)
    team = forms.ChoiceField(label=_("Team"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", "—"), *Task.Status.choices],
        error_messages={"invalid_choice": _("Unknown status.")},
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *Task.Priority.choices],
        error_messages={"invalid_choice": _("Unknown priority.")},
    )
    relation = forms.ModelChoiceField(
        label=_("Relation"),
        required=False,
        queryset=Relation.objects.all(),
        error_messages={"invalid_choice": _("That relation does not exist (any more).")},
    )
    body = forms.CharField(
        label=_("Public reply"),
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    scope = forms.ChoiceField(choices=[(SELECTED, SELECTED), (MATCHING, MATCHING)], required=False)
    # The task list's query string, for scope=matching.
    filters = forms.CharField(required=False, max_length=2000)
    task_ids = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("", "—"),
            (NOBODY, _("Nobody")),
            *((str(user.pk), staff_name(user)) for user in active_staff()),
        ]
        self.fields["team"].choices = [
            ("", "—"),
            (NOBODY, _("No team")),
            *((str(team.pk), team.name) for team in Team.objects.order_by("name")),
        ]
        # Any task number is acceptable here: the service refuses those that do not exist.
        self.fields["task_ids"].choices = [
            (value, value) for value in self.data.getlist("task_ids") if parse_id(value) is not None
        ]

    # The message for an action whose parameter is missing, by the field it needs.
    MISSING = {
        BulkJob.Action.STATUS: ("status", _("Choose the status to set.")),
        BulkJob.Action.PRIORITY: ("priority", _("Choose the priority to set.")),
        BulkJob.Action.LINK: ("relation", _("Choose the relation to link the tasks to.")),
        BulkJob.Action.UNLINK: ("relation", _("Choose the relation whose link to remove.")),
        BulkJob.Action.CLOSE: ("body", _("Write the public reply the customers receive with the closing.")),
    }

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == BulkJob.Action.ASSIGN and not data.get("assignee") and not data.get("team"):
            self.add_error("assignee", _("Choose whom to assign the tasks to: a staff member, nobody, or a team."))
        elif action in self.MISSING:
            name, message = self.MISSING[action]
            value = data.get(name)
            if (value is None or not str(value).strip()) and name not in self.errors:
                self.add_error(name, message)
        if data.get("scope") != MATCHING and not data.get("task_ids") and "task_ids" not in self.errors:
            self.add_error(None, _("Select at least one task, or choose all tasks matching the filters."))
        return data

    def params(self) -> dict:
        """The action's parameters as tasks.bulk.start_bulk_action takes them."""
        data = self.cleaned_data
        relation = data.get("relation")
        return {
            "assignee": data.get("assignee") or None,
            "team": data.get("team") or None,
            "status": data.get("status") or None,
            "priority": data.get("priority"),
            "relation": relation.pk if relation is not None else None,
            "body": data.get("body") or "",
        }
