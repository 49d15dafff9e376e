"""The bulk-action form for templates/tasks/_bulk_form.html, which pages include as they are."""

from django import template

from tasks.bulk_forms import BulkActionForm

register = template.Library()


@register.simple_tag
def bulk_action_form() -> BulkActionForm:
    """An empty BulkActionForm (its choices: staff members, teams, statuses, priorities), with
    ids of its own so they never clash with the list's filter form."""
    return BulkActionForm(auto_id="bulk-%s")
