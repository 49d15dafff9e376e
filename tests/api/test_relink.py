"""Relink through the API: the preview and the relink itself, by the wizard's own service."""

from __future__ import annotations

from django.db import connection

from audit.models import SecurityEvent
from subscriptions.models import RelinkRecord, TechnicalSetup
from subscriptions.services import bind_technical_setup
from tasks.models import Task, TaskLink
from tests.factories import RelationFactory, SubscriptionFactory, TaskFactory


def test_preview_then_relink_moves_the_binding_and_the_open_tasks(api, in_supplier, alpha, supplier_user):
    old, new = RelationFactory(name="Oud"), RelationFactory(name="Nieuw")
    bind_technical_setup(
        subscription=SubscriptionFactory(relation=old), contractant=alpha, database=alpha.database, actor=supplier_user
    )
    SubscriptionFactory(relation=new)
    open_task = TaskFactory(relations=[old])
    closed_task = TaskFactory(relations=[old], status=Task.Status.CLOSED)

    preview = api.get(f"/api/relations/{old.pk}/relink/?to={new.pk}")
    assert preview.status_code == 200, preview.json()
    assert preview.json()["task_count"] == 1 and preview.json()["contractant"] == alpha.pk
    assert [row["id"] for row in preview.json()["first_tasks"]] == [open_task.pk]
    connection.set_tenant(in_supplier)
    assert not RelinkRecord.objects.exists()  # a preview changes nothing

    response = api.post(f"/api/relations/{old.pk}/relink/", {"to": new.pk}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["moved_task_count"] == 1
    connection.set_tenant(in_supplier)
    assert TechnicalSetup.objects.get().subscription.relation == new
    assert TaskLink.objects.get(task=open_task).relation == new
    assert TaskLink.objects.get(task=closed_task).relation == old
    assert RelinkRecord.objects.get().actor == supplier_user
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.RELINK, actor=supplier_user).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.API_WRITE).exists()

    # Again: the old relation has nothing left to relink, said as the wizard says it.
    response = api.post(f"/api/relations/{old.pk}/relink/", {"to": new.pk}, format="json")
    assert response.status_code == 400
    assert "no technical setup" in str(response.json())


def test_relink_needs_a_target(api, in_supplier):
    relation = RelationFactory()
    assert api.get(f"/api/relations/{relation.pk}/relink/").status_code == 400
    assert api.get(f"/api/relations/{relation.pk}/relink/?to=99999999").status_code == 404
    assert api.post(f"/api/relations/{relation.pk}/relink/", {}, format="json").status_code == 400
    assert api.post(f"/api/relations/{relation.pk}/relink/", {"to": relation.pk}, format="json").status_code == 400


def test_a_read_token_can_preview_but_not_relink(reader, in_supplier):
    old, new = RelationFactory(), RelationFactory()
    assert reader.post(f"/api/relations/{old.pk}/relink/", {"to": new.pk}, format="json").status_code == 403
