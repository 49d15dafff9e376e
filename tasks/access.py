from django.http import Http404
from django.shortcuts import get_object_or_404

from tasks.models import SavedView, Task, TaskAttachment, TaskLink, TaskMessage
from tasks.selectors import task_detail


def get_task_for_staff(request, pk: int) -> Task:
    try:
        return task_detail(pk=pk)
    except Task.DoesNotExist:
        raise Http404 from None


def get_task_link_for_staff(request, task: Task, pk: int) -> TaskLink:
    return get_object_or_404(TaskLink.objects.select_related("relation"), pk=pk, task=task)


def get_message_for_staff(task: Task, code) -> TaskMessage:
    return get_object_or_404(TaskMessage, task=task, code=code)


def get_attachment_for_staff(request, task: Task, code) -> TaskAttachment:
    """A file of the task (from get_task_for_staff): staff see every file of the tasks they may
    open, internal notes' too. A file of another task answers 404 like a missing one."""
    return get_object_or_404(TaskAttachment.objects.select_related("message"), task=task, code=code)


def get_own_saved_view(request, pk: int) -> SavedView:
    """One of the asker's own saved views; a colleague's (shared or not) answers 404."""
    return get_object_or_404(SavedView, pk=pk, owner=request.user)
