from django.http import Http404
from django.shortcuts import get_object_or_404

from tasks.models import Task, TaskLink, TaskMessage
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
