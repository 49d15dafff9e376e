"""The task table of the task list and of a relation's Tasks tab.

Built in Python rather than by a template loop: it is the busiest table of the back office
(25 rows, each with links, a badge and dates), and the template engine spent about half of
the task list's time on it (bench/load.py). The markup is what the template gave; every value
is escaped once by tenants.html.text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from tasks.models import Task
from tenants.html import text as _text
from tenants.routes import remembered_reverse
from tenants.templatetags.dates import date

register = template.Library()

_PLACEHOLDER = 2147483647


def _url_template(name: str) -> str:
    # One (remembered) reverse instead of one per link; the route decides the shape of the URL.
    return remembered_reverse(name, (_PLACEHOLDER,)).replace(str(_PLACEHOLDER), "{}")


@dataclass(frozen=True)
class _Labels:
    head: str
    select_head: str
    status: dict
    status_class: dict
    priority: dict
    select: str


@lru_cache(maxsize=8)
def _labels(language: str) -> _Labels:
    """The table's translated, escaped labels: the same for every table in one language."""
    # Literal gettext() calls, outside f-strings: what makemessages can find.
    headers = [
        gettext("Subject"),
        gettext("Status"),
        gettext("Priority"),
        gettext("Relations"),
        gettext("Assignee"),
        gettext("Created"),
    ]
    select = gettext("Select")
    head = '<th scope="col">#</th>' + "".join(f'<th scope="col">{_text(header)}</th>' for header in headers)
    return _Labels(
        head=head,
        select_head=f'<th scope="col"><span class="visually-hidden">{_text(select)}</span></th>' + head,
        status={value: _text(label) for value, label in Task.Status.choices},
        status_class={value: _text(value) for value in Task.Status.values},
        priority={value: _text(label) for value, label in Task.Priority.choices},
        select=gettext("Select task %(number)s"),
    )


@register.simple_tag
def task_table(tasks, selectable=False):
    """tasks: TaskRow objects (tasks.selectors.task_page)."""
    # Escaped once: a URL template takes only the integer ids below.
    task_url, relation_url = _text(_url_template("tasks:detail")), _text(_url_template("relations:detail"))
    labels = _labels(get_language())
    status_labels, status_classes, priority_labels = labels.status, labels.status_class, labels.priority
    # One time zone for the table: timezone.localtime() looks it up again for every value.
    zone = timezone.get_current_timezone()
    rows = []
    for task in tasks:
        created = task.created_at.astimezone(zone)
        relations = ", ".join(f'<a href="{relation_url.format(pk)}">{_text(name)}</a>' for pk, name in task.relations)
        checkbox = (
            f'<td><input type="checkbox" name="task_ids" value="{task.pk}" form="move-form" '
            f'aria-label="{_text(labels.select % {"number": task.pk})}"></td>'
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
            f'<td><time datetime="{created.isoformat()}">{date(created, "d-m-Y")}</time></td></tr>'
        )
    body = "\n".join(rows)
    head = labels.select_head if selectable else labels.head
    # Safe: the markup above is ours and every value in it went through escape().
    return mark_safe(  # noqa: S308
        f'<table class="list">\n  <thead><tr>{head}</tr></thead>\n  <tbody>\n{body}\n  </tbody>\n</table>'
    )
