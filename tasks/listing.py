"""What a task-list query string asks for: the filter form, the queue and task_page's arguments.

The task list, its saved views and its bulk actions ("every task these filters match") read a
query string the same way, here."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict

from tasks.forms import TaskFilterForm
from tasks.selectors import DEFAULT_QUEUE, QUEUES, SORTS, queue_filters


@dataclass(frozen=True)
class TaskListing:
    form: TaskFilterForm
    queue: str
    sort: str
    # task_selectors.task_list's (and task_page's) keyword arguments.
    arguments: dict


def task_listing(params: QueryDict, user) -> TaskListing:
    """The queue (open tasks unless another is chosen), narrowed further by valid filters; an
    invalid filter value is ignored (the form shows why), an unknown queue or sort is the default."""
    form = TaskFilterForm(params or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queue = params.get("queue", DEFAULT_QUEUE)
    queue = queue if queue in QUEUES else DEFAULT_QUEUE
    sort = params.get("sort", "")
    sort = sort if sort in SORTS else ""
    arguments = queue_filters(queue, user)
    if filters.get("status"):
        # A status asked for explicitly wins over the queue's "open only" (closed tasks too).
        arguments["status"] = filters["status"]
        arguments.pop("only_open", None)
    if filters.get("assignee"):
        arguments["assignee_id"] = filters["assignee"].pk
        arguments.pop("unassigned", None)
    if filters.get("team"):
        arguments["team_id"] = filters["team"].pk
    if filters.get("open"):
        arguments["only_open"] = True
    if filters.get("relation"):
        arguments["relation_id"] = filters["relation"].pk
    if filters.get("q"):
        arguments["query"] = filters["q"]
    arguments["sort"] = sort
    return TaskListing(form=form, queue=queue, sort=sort, arguments=arguments)
