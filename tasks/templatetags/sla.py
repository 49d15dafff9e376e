"""`{% task_sla task as sla %}`: the SLA state sentence of a task (tasks.sla.sla_state)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from tasks.sla import sla_state

register = template.Library()


@register.simple_tag
def task_sla(task):
    return sla_state(task, timezone.now())
