"""The tasks a contact reported, when the contact is merged or goes out of service (contacts.hooks).

Both are set-based UPDATEs of the reporter that still write a history row per task (rule 10,
audit.bulk_history), inside the transaction of the merge or the out-of-service: a payroll
administrator reports thousands of tasks over the years (bench/scale.py's contractant has 1M),
and a save() per task would make one out-of-service thousands of statements.

The reporter is on the task's edit form, so both raise the task's version: a form opened
before the handover cannot put the old reporter back unnoticed (audit.updates).
"""

from __future__ import annotations

from audit.bulk_history import execute_with_history
from contacts.hooks import Handover
from tasks.models import Task


def merge_reported_tasks(*, survivor, duplicate, actor) -> int:
    """Every task the duplicate reported, open or closed, becomes the survivor's."""
    return len(
        execute_with_history(
            Task,
            dml=(f'UPDATE "{Task._meta.db_table}" SET reporter_id = %s, version = version + 1 WHERE reporter_id = %s'),
            params=[survivor.pk, duplicate.pk],
            history_type="~",
            user_id=getattr(actor, "pk", None),
            reason="merge",
        )
    )


def reported_task_ids(contact) -> list[int]:
    return list(Task.objects.filter(reporter=contact).values_list("pk", flat=True))


def unmerge_reported_tasks(*, ids: list[int], contact, actor) -> int:
    """An undone merge: the tasks it moved (`ids`) are the restored contact's again."""
    return len(
        execute_with_history(
            Task,
            dml=(
                f'UPDATE "{Task._meta.db_table}" SET reporter_id = %s, version = version + 1 '
                f"WHERE id = ANY(%s::bigint[])"
            ),
            params=[contact.pk, list(ids)],
            history_type="~",
            user_id=getattr(actor, "pk", None),
            reason="merge_undone",
        )
    )


def open_reported_tasks(contact) -> list[Task]:
    return list(Task.objects.filter(reporter=contact).exclude(status=Task.Status.CLOSED).order_by("pk"))


def hand_over_open_tasks(*, contact, actor) -> int:
    """The leaving contact's open tasks go to its successor; closed ones stay its own."""
    table = Task._meta.db_table
    return len(
        execute_with_history(
            Task,
            dml=(
                f'UPDATE "{table}" SET reporter_id = %s, updated_at = now(), version = version + 1 '
                f"WHERE reporter_id = %s AND status <> %s"
            ),
            params=[contact.successor_id, contact.pk, Task.Status.CLOSED],
            history_type="~",
            user_id=getattr(actor, "pk", None),
            reason="out_of_service",
        )
    )


REPORTED_TASKS = Handover(
    name="tasks",
    merge=merge_reported_tasks,
    pending=open_reported_tasks,
    hand_over=hand_over_open_tasks,
    merged_ids=reported_task_ids,
    unmerge=unmerge_reported_tasks,
)
