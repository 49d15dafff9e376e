"""Tasks and their conversation (public replies, internal notes, attachments), through the API."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api.endpoints.common import recorded_write, validated
from api.filters import cleaned_filters, form_parameters
from api.pagination import NewestFirstPage
from tasks.access import get_attachment_for_staff, get_task_for_staff
from tasks.attachment_views import attachment_response
from tasks.conversation import post_staff_message
from tasks.forms import TaskFilterForm
from tasks.models import Task, TaskAttachment, TaskMessage
from tasks.selectors import task_list
from tasks.services import TASK_FIELDS, task_change_status, task_create, task_update

# --- Tasks and their conversation ---------------------------------------------------------


def _tasks():
    return Task.objects.prefetch_related("links")


@extend_schema(tags=["tasks"])
class TaskList(generics.ListCreateAPIView):
    serializer_class = s.TaskSerializer
    pagination_class = NewestFirstPage

    def get_serializer_class(self):
        return s.TaskCreateSerializer if self.request.method == "POST" else s.TaskSerializer

    def get_queryset(self):
        filters = cleaned_filters(TaskFilterForm, self.request)
        tasks = task_list(
            relation_id=filters["relation"].pk if filters["relation"] else None,
            status=filters["status"],
            assignee_id=filters["assignee"].pk if filters["assignee"] else None,
            team_id=filters["team"].pk if filters["team"] else None,
            only_open=filters["open"],
            query=filters["q"],
        )
        return tasks.prefetch_related("links")

    @extend_schema(parameters=form_parameters(TaskFilterForm))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=s.TaskCreateSerializer, responses={201: s.TaskSerializer})
    def post(self, request, *args, **kwargs):
        data = validated(s.TaskCreateSerializer, request)
        relations = data.pop("relation_input", [])
        fields = {name: value for name, value in data.items() if name in TASK_FIELDS}
        task = recorded_write(
            request,
            gettext_noop("task created:"),
            lambda: task_create(actor=request.user, relations=relations, **fields),
            str,
        )
        return Response(s.TaskSerializer(_tasks().get(pk=task.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["tasks"])
class TaskDetail(generics.RetrieveUpdateAPIView):
    serializer_class = s.TaskSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return get_task_for_staff(self.request, self.kwargs["pk"])

    def patch(self, request, *args, **kwargs):
        task = self.get_object()
        data = validated(s.TaskSerializer, request, partial=True)
        version = data.pop("version", None)
        new_status = data.pop("status", None)
        fields = {name: value for name, value in data.items() if name in TASK_FIELDS}

        def write():
            updated = task_update(task=task, actor=request.user, data=fields, version=version) if fields else task
            if new_status:
                task_change_status(task=updated, status=new_status, actor=request.user)
            return updated

        recorded_write(request, gettext_noop("task changed:"), write, str)
        return Response(s.TaskSerializer(_tasks().get(pk=task.pk)).data)


@extend_schema(tags=["tasks"])
class TaskMessageList(generics.ListCreateAPIView):
    """The task's conversation: public replies and internal notes (staff see both; the portal,
    customer e-mails and Support tasks only ever the replies). POST as JSON, or as multipart
    with `files` to attach."""

    serializer_class = s.MessageSerializer

    def get_queryset(self):
        task = get_task_for_staff(self.request, self.kwargs["pk"])
        messages = (
            TaskMessage.objects.filter(task=task)
            .select_related("author", "author_contact")
            .prefetch_related(Prefetch("attachments", queryset=TaskAttachment.objects.select_related("message")))
        )
        kind = self.request.query_params.get("kind")
        if kind:
            if kind not in TaskMessage.Kind.values:
                raise ValidationError({"kind": [_("Choose public reply or internal note.")]})
            messages = messages.filter(kind=kind)
        return messages

    @extend_schema(
        parameters=[OpenApiParameter("kind", str, enum=TaskMessage.Kind.values, description="reply or note")]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(responses={201: s.MessageSerializer})
    def post(self, request, pk: int):
        task = get_task_for_staff(request, pk)
        data = validated(s.MessageSerializer, request)
        files = request.FILES.getlist("files")
        message = recorded_write(
            request,
            gettext_noop("message posted on"),
            lambda: post_staff_message(
                task=task,
                body=data.get("body", ""),
                kind=data["kind"],
                actor=request.user,
                set_status=data.get("set_status"),
                files=files,
            ),
            lambda _message: str(task),
        )
        return Response(s.MessageSerializer(message).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["tasks"])
class TaskAttachmentList(generics.ListAPIView):
    """The task's files, internal notes' too (`is_internal`), each with its download address."""

    serializer_class = s.AttachmentSerializer
    pagination_class = None

    def get_queryset(self):
        task = get_task_for_staff(self.request, self.kwargs["pk"])
        return TaskAttachment.objects.filter(task=task).select_related("message").order_by("created_at", "pk")


class FileRenderer(BaseRenderer):
    """Lets a client that asks for the file itself (Accept: application/octet-stream) have it;
    the body is the storage's file, streamed by tasks.attachment_views.attachment_response."""

    media_type = "application/octet-stream"
    format = "file"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


@extend_schema(tags=["tasks"], responses={(200, "application/octet-stream"): OpenApiResponse(description="The file")})
class TaskAttachmentDownload(APIView):
    renderer_classes = [JSONRenderer, FileRenderer]

    def get(self, request, pk: int, code):
        task = get_task_for_staff(request, pk)
        return attachment_response(request, get_attachment_for_staff(request, task, code))
