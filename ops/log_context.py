"""What every log line carries: the request id (set by ops.middleware.RequestIdMiddleware, or
the Celery task id in the worker) and the schema the connection is on.

The schema is read from the connection at the moment of logging rather than kept in a second
context variable: django-tenants sets it for a request (ContractantMiddleware) and
tenant-schemas-celery for a task, so it is right in both without anything to reset.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar, Token

NO_REQUEST = "-"

request_id_var: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)


def current_schema() -> str:
    from django.db import connection

    return getattr(connection, "schema_name", "") or NO_REQUEST


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `schema` to every record (settings.LOGGING's console handler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        try:
            record.schema = current_schema()
        except Exception:  # noqa: BLE001 - a log line must never fail on its context
            record.schema = NO_REQUEST
        return True


# Per running task: how to put back the id that was there before (an eager task runs inside
# a request, whose later lines must keep the request's id).
_before_task: dict[str, Token[str]] = {}


def task_started(task_id: str | None = None, **_kwargs) -> None:
    """Celery's task_prerun: in the worker the task id plays the request id's part."""
    if task_id:
        _before_task[task_id] = request_id_var.set(task_id)


def task_finished(task_id: str | None = None, **_kwargs) -> None:
    """Celery's task_postrun."""
    token = _before_task.pop(task_id or "", None)
    if token is not None:
        request_id_var.reset(token)
