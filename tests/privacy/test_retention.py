"""Retention: a staff administrator sets N years; closed tasks closed longer ago lose their
personal data (beat job and management command, batched, idempotent); nothing else changes."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from audit.models import SecurityEvent
from privacy.models import PrivacySettings
from privacy.services import apply_retention, update_privacy_settings
from tasks.models import Task, TaskEmail, TaskMessage
from tests.factories import TaskFactory


def closed_years_ago(world, years: float, **fields) -> Task:
    task = TaskFactory(relations=[world.company], reporter=world.eva, status=Task.Status.CLOSED, **fields)
    Task.objects.filter(pk=task.pk).update(closed_at=timezone.now() - datetime.timedelta(days=365.25 * years))
    TaskMessage.objects.create(task=task, channel="portal", author_contact=world.eva, body="Van eva@privacy.test")
    TaskMessage.objects.create(task=task, author=None, author_label="Support", body="Beste Eva")
    TaskEmail.objects.create(
        task=task, direction="out", contact=world.eva, address="eva@privacy.test", header_message_id=f"<{task.pk}@x>"
    )
    return task


def test_settings_page_saves_the_retention_years(admin_client):
    response = admin_client.post("/privacy/settings/", {"retention_years": "7"})

    assert response.status_code == 302
    assert PrivacySettings.objects.get().retention_years == 7
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.RETENTION_CHANGED)
    assert "uit" in event.summary and "7 jaar" in event.summary


@pytest.mark.parametrize("value", ["0", "101", "-1", "zeven", "1.5"])
def test_bad_retention_years_get_a_clear_error_and_keep_the_setting(admin_client, value):
    update_privacy_settings(retention_years=5, actor=None)

    response = admin_client.post("/privacy/settings/", {"retention_years": value})

    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode()
    assert PrivacySettings.objects.get().retention_years == 5


def test_empty_retention_switches_it_off(admin_client, world):
    update_privacy_settings(retention_years=5, actor=None)
    closed_years_ago(world, 10)

    admin_client.post("/privacy/settings/", {"retention_years": ""})

    assert PrivacySettings.objects.get().retention_years is None
    assert apply_retention() == 0


def test_retention_removes_personal_data_only_of_tasks_closed_longer_ago(supplier_user, world):
    update_privacy_settings(retention_years=5, actor=supplier_user)
    old = closed_years_ago(world, 6, description="Bel eva@privacy.test terug")
    recent = closed_years_ago(world, 4)
    open_old = TaskFactory(relations=[world.company], reporter=world.eva, status=Task.Status.OPEN)
    Task.objects.filter(pk=open_old.pk).update(created_at=timezone.now() - datetime.timedelta(days=3650))

    assert apply_retention() == 1

    old.refresh_from_db()
    assert old.reporter is None and old.subject and "eva@" not in old.description
    assert not Task.history.filter(id=old.pk).exclude(reporter=None).exists()
    customer, staff = TaskMessage.objects.filter(task=old).order_by("pk")
    assert customer.author_contact is None and customer.author_label == "Verwijderde persoon"
    assert "eva@" not in customer.body
    assert staff.author_label == "Support"  # staff messages keep their author
    assert TaskEmail.objects.get(task=old).contact is None
    assert "eva" not in TaskEmail.objects.get(task=old).address
    # The recent closed task and the old open one keep everything.
    assert Task.objects.get(pk=recent.pk).reporter == world.eva
    assert TaskMessage.objects.filter(task=recent, author_contact=world.eva).exists()
    assert Task.objects.get(pk=open_old.pk).reporter == world.eva
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.RETENTION_APPLIED).count() == 1


def test_retention_is_batched_and_idempotent(supplier_user, world):
    update_privacy_settings(retention_years=2, actor=supplier_user)
    tasks = [closed_years_ago(world, 3) for _ in range(3)]

    assert apply_retention(batch_size=2) == 3
    assert apply_retention(batch_size=2) == 0

    assert not Task.objects.filter(pk__in=[task.pk for task in tasks]).exclude(reporter=None).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.RETENTION_APPLIED).count() == 1


def test_management_command_applies_retention_in_the_current_contractant(supplier_user, world, capsys):
    update_privacy_settings(retention_years=1, actor=supplier_user)
    task = closed_years_ago(world, 2)

    call_command("apply_retention", "--batch-size", "10")

    assert "supplier: 1 task(s) anonymised." in capsys.readouterr().out
    assert Task.objects.get(pk=task.pk).reporter is None


def test_retention_runs_nightly_from_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["apply-retention"]

    assert entry["task"] == "privacy.dispatch_retention"


def test_retention_task_refuses_to_run_without_its_schema(in_supplier):
    from privacy.tasks import apply_retention_task

    with pytest.raises(RuntimeError):
        apply_retention_task("alpha")
