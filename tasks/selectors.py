"""Reads that task pages share, with their joins already applied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Prefetch

from relations.models import Relation
from staff.ui import PAGE_SIZE
from tasks.models import Task, TaskLink
from tenants.crossing import read_for_bound_relation
from tenants.rows import MAX_ID

User = get_user_model()


@dataclass(frozen=True, slots=True)
class TaskRow:
    """One row of the task table (tasks/templatetags/task_rows.py): what it shows, nothing more."""

    pk: int
    subject: str
    status: str
    priority: int
    created_at: datetime
    assignee: str
    # (pk, name) of every linked relation, by name.
    relations: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class TaskPage:
    rows: list[TaskRow]
    total: int
    number: int
    # (pk, label) of the staff users the assignee filter offers, when asked for (_staff_user_choices).
    assignee_choices: list[tuple[int, str]] | None = None


def task_page(
    *,
    number: int = 1,
    per_page: int = PAGE_SIZE,
    relation_id: int | None = None,
    status: str = "",
    assignee_id: int | None = None,
    only_open: bool = False,
    query: str = "",
    with_assignee_choices: bool = False,
) -> TaskPage:
    """A page of the task list, newest first, with the total and each row's linked relations;
    with_assignee_choices adds the assignee filter's staff users, read on the same cursor
    (django-tenants sends a SET search_path for every cursor: one round trip fewer).

    The busiest read of the back office, so one plain statement: the page's rows (read newest
    first from the task_newest_first index), their total, and the page's linked relations. The
    ORM spent more time composing and instantiating this page than the database spent running
    it (bench/load.py). The total is a count of its own: a window count over the rows made
    PostgreSQL join and sort every task to return 25. A page past the last one answers the
    last page, as Paginator.get_page does.
    """
    where, params = ["TRUE"], []
    if relation_id:
        where.append(f'task.id IN (SELECT task_id FROM "{TaskLink._meta.db_table}" WHERE relation_id = %s)')
        params.append(relation_id)
    if status in Task.Status.values:
        where.append("task.status = %s")
        params.append(status)
    if only_open:
        where.append("task.status <> %s")
        params.append(Task.Status.CLOSED)
    if assignee_id:
        where.append("task.assignee_id = %s")
        params.append(assignee_id)
    if query:
        pattern = f"%{connection.ops.prep_for_like_query(query)}%"
        text = ["task.subject ILIKE %s", "task.description ILIKE %s"]
        params += [pattern, pattern]
        number_typed = query.lstrip("#")
        if number_typed.isdigit() and int(number_typed) <= MAX_ID:
            text.append("task.id = %s")
            params.append(int(number_typed))
        where.append(f"({' OR '.join(text)})")
    tasks, condition = f'"{Task._meta.db_table}" task', " AND ".join(where)
    sql = (
        "WITH page AS ("
        " SELECT task.id, task.subject, task.status, task.priority, task.created_at,"
        f" COALESCE(assignee.email, '') AS assignee, (SELECT COUNT(*) FROM {tasks} WHERE {condition}) AS total"
        f" FROM {tasks}"
        f' LEFT JOIN "{User._meta.db_table}" assignee ON assignee.id = task.assignee_id'
        f" WHERE {condition}"
        " ORDER BY task.created_at DESC, task.id DESC LIMIT %s OFFSET %s),"
        # The page's links in one grouped read (one lateral read per row scanned them per row).
        " linked AS (SELECT link.task_id,"
        " array_agg(relation.id ORDER BY relation.name, relation.id) AS ids,"
        " array_agg(relation.name ORDER BY relation.name, relation.id) AS names"
        f' FROM "{TaskLink._meta.db_table}" link'
        f' JOIN "{Relation._meta.db_table}" relation ON relation.id = link.relation_id'
        " WHERE link.task_id IN (SELECT id FROM page) GROUP BY link.task_id)"
        " SELECT page.*, linked.ids, linked.names FROM page LEFT JOIN linked ON linked.task_id = page.id"
        " ORDER BY page.created_at DESC, page.id DESC"
    )

    def total_of(fetched: list[tuple]) -> int:
        return fetched[0][6] if fetched else 0  # the same on every row

    with connection.cursor() as cursor:

        def fetch(page_number: int) -> list[tuple]:
            cursor.execute(sql, [*params, *params, per_page, (page_number - 1) * per_page])
            return cursor.fetchall()

        fetched = fetch(number)
        if not fetched and number > 1:
            # Past the last page (a stale link): the first page tells the total, then the last page.
            first = fetch(1)
            number = max(1, -(-total_of(first) // per_page))
            fetched = first if number == 1 else fetch(number)
        assignee_choices = _staff_user_choices(cursor) if with_assignee_choices else None
    rows = [
        TaskRow(pk, subject, status, priority, created_at, assignee, tuple(zip(ids or (), names or (), strict=True)))
        for pk, subject, status, priority, created_at, assignee, _total, ids, names in fetched
    ]
    return TaskPage(rows=rows, total=total_of(fetched), number=number, assignee_choices=assignee_choices)


def staff_users():
    return User.objects.filter(is_staff=True, is_active=True).order_by("email")


@cache
def _staff_user_choices_sql() -> tuple[str, tuple]:
    # staff_users() stays the one definition; its SQL is composed once per process (table names
    # are unqualified, so the contractant's search_path picks the schema).
    return staff_users().values_list("pk", "email", "username").query.sql_with_params()


def _staff_user_choices(cursor) -> list[tuple[int, str]]:
    """(pk, label) of the staff users a task can be assigned to, for the task list's filter.
    Read on every visit of the list: staff_users()' statement, composed once."""
    sql, params = _staff_user_choices_sql()
    cursor.execute(sql, params)
    return [(pk, email or username) for pk, email, username in cursor.fetchall()]


def task_detail(*, pk: int) -> Task:
    return (
        Task.objects.select_related("assignee")
        .prefetch_related(
            Prefetch("links", queryset=TaskLink.objects.select_related("relation").order_by("relation__name")),
            "comments__author",
        )
        .get(pk=pk)
    )


def open_task_ids_of(relation: Relation) -> list[int]:
    return list(
        Task.objects.filter(links__relation=relation).exclude(status=Task.Status.CLOSED).values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class SupportTaskView:
    """What contractant X may see of the tasks its supplier holds for it (rule 3)."""

    supplier_name: str
    relation_name: str
    tasks: list[dict]
    total: int


def support_tasks_for(contractant, *, only_open: bool = False, offset: int = 0, limit: int = 50):
    """The tasks the supplier holding contractant's binding has linked to the bound relation,
    as plain values; None when nothing binds the contractant."""

    def read(relation_id: int) -> tuple[int, list[dict]]:
        tasks = Task.objects.filter(links__relation_id=relation_id)
        if only_open:
            tasks = tasks.exclude(status=Task.Status.CLOSED)
        rows = tasks.order_by("-created_at", "-pk").values(
            "pk", "subject", "status", "priority", "created_at", "updated_at"
        )[offset : offset + limit]
        return tasks.count(), list(rows)

    found = read_for_bound_relation(contractant, read)
    if found is None:
        return None
    binding, (total, rows) = found
    for row in rows:
        row["status_label"] = Task.Status(row["status"]).label
    return SupportTaskView(
        supplier_name=binding.supplier_name, relation_name=binding.relation_name, tasks=rows, total=total
    )
