"""The task table of the task list and of a relation's Tasks tab.

Built in Python rather than by a template loop: it is the busiest table of the back office
(25 rows, each with links, a badge and dates), and the template engine spent about half of
the task list's time on it (bench/load.py). The markup is what the template gave; every value
is escaped once by tenants.html.text.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from tasks.models import Task
from tenants.html import text as _text

register = template.Library()

_PLACEHOLDER = 2147483647


def _url_template(name: str) -> str:
    # One reverse per table instead of one per link; the route decides the shape of the URL.
    return reverse(name, args=[_PLACEHOLDER]).replace(str(_PLACEHOLDER), "{}")


@register.simple_tag
def task_table(tasks, selectable=False):
    """tasks: TaskRow objects (tasks.selectors.task_page)."""
    # Escaped once: a URL template takes only the integer ids below.
    task_url, relation_url = _text(_url_template("tasks:detail")), _text(_url_template("relations:detail"))
    # Labels translated once per table, not once per row.
    status_labels = {value: _text(label) for value, label in Task.Status.choices}
    status_classes = {value: _text(value) for value in Task.Status.values}
    priority_labels = {value: _text(label) for value, label in Task.Priority.choices}
    select_label = gettext("Select task %(number)s")
    headers = [
        gettext("Subject"),
        gettext("Status"),
        gettext("Priority"),
        gettext("Relations"),
        gettext("Assignee"),
        gettext("Created"),
    ]
    head = '<th scope="col">#</th>' + "".join(f'<th scope="col">{_text(header)}</th>' for header in headers)
    if selectable:
        head = f'<th scope="col"><span class="visually-hidden">{_text(gettext("Select"))}</span></th>' + head
    # One time zone for the table: timezone.localtime() looks it up again for every value.
    zone = timezone.get_current_timezone()
    rows = []
    for task in tasks:
        created = task.created_at.astimezone(zone)
        relations = ", ".join(f'<a href="{relation_url.format(pk)}">{_text(name)}</a>' for pk, name in task.relations)
        checkbox = (
            f'<td><input type="checkbox" name="task_ids" value="{task.pk}" form="move-form" '
            f'aria-label="{_text(select_label % {"number": task.pk})}"></td>'
            if selectable
            else ""
        )
        rows.append(
            f"<tr>{checkbox}<td>{task.pk}</td>"
            f'<td><a href="{task_url.format(task.pk)}">{_text(task.subject)}</a></td>'
            f'<td><span class="badge status-{status_classes.get(task.status) or _text(task.status)}">'
            f"{status_labels.get(task.status) or _text(task.status)}</span></td>"
            f"<td>{priority_labels.get(task.priority) or _text(task.priority)}</td>"
            f"<td>{relations}</td><td>{_text(task.assignee or '—')}</td>"
            f'<td><time datetime="{created.isoformat()}">{created:%d-%m-%Y}</time></td></tr>'
        )
    body = "\n".join(rows)
    # Safe: the markup above is ours and every value in it went through escape().
    return mark_safe(  # noqa: S308
        f'<table class="list">\n  <thead><tr>{head}</tr></thead>\n  <tbody>\n{body}\n  </tbody>\n</table>'
    )
