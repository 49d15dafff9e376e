"""The customer's Support tasks list (issue 18): each task links to its detail page."""

from __future__ import annotations

from django.db import connection

from subscriptions.services import bind_technical_setup
from tests.conftest import ALPHA, logged_in_staff
from tests.factories import RelationFactory, SubscriptionFactory, TaskFactory


def test_each_support_task_links_to_its_detail_page(supplier, supplier_user, alpha):
    relation = RelationFactory(name="Bakkerij Jansen")
    subscription = SubscriptionFactory(relation=relation)
    bind_technical_setup(subscription=subscription, contractant=alpha, database="default", actor=supplier_user)
    task = TaskFactory(relations=[relation], subject="Loonstrook klopt niet")
    client = logged_in_staff(ALPHA)
    client.post("/i18n/setlang/", {"language": "en"})

    listing = client.get("/tasks/support/").content.decode()
    detail_url = f"/tasks/support/{task.code}/"
    assert f'<a href="{detail_url}">Loonstrook klopt niet</a>' in listing

    detail = client.get(detail_url)
    assert detail.status_code == 200 and "Loonstrook klopt niet" in detail.content.decode()
    connection.set_tenant(supplier)
