"""Tenant-isolation crawler: every id-taking URL of the staff UI and the portal, filled with ids
of objects that belong to another contractant, another organisation or another portal user,
answers 404 (or 405 for a method the view does not take) for GET and POST alike."""

from __future__ import annotations

from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver

from contacts.models import Contact, ContactLink
from portal.services import grant_portal_login
from subscriptions.models import RelinkRecord, Subscription
from tasks.models import TaskAttachment, TaskLink
from tests.conftest import ALPHA, STAFF_PASSWORD, SUPPLIER, client_for
from tests.factories import RelationFactory, SubscriptionFactory, TaskFactory

SKIP = {"access_confirm", "invitation", "email_change"}  # a signed token, not an object id


def patterns(resolver=None, prefix="", namespace="", all_routes=False):
    """(name, route) of the tenant URL patterns that take ids, or of all of them."""
    resolver = resolver or get_resolver("config.urls_tenant")
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from patterns(entry, prefix + str(entry.pattern), ns, all_routes)
        elif all_routes or isinstance(entry, URLPattern) and entry.pattern.converters or "<" in str(entry.pattern):
            yield namespace + (entry.name or ""), prefix + str(entry.pattern)


def fill(route: str, values: dict) -> str:
    import re

    return re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(values[match.group(1)]), route)


def test_staff_urls_with_another_contractants_ids_answer_404(supplier, alpha):
    # Objects that exist only in the supplier's schema, with ids beyond anything alpha has.
    connection.set_tenant(supplier)
    relation = RelationFactory()
    for _ in range(3):
        RelationFactory()
    subscription = SubscriptionFactory(relation=relation)
    task = TaskFactory(relations=[relation])
    contact = Contact.objects.create(last_name="Alleen leverancier", email="x@sup.test", username="x@sup.test")
    link = ContactLink.objects.create(contact=contact, relation=relation)
    values = {
        "pk": max(relation.pk, subscription.pk, task.pk, contact.pk) + 1000,
        "relation_pk": relation.pk + 1000,
        "link_pk": max(link.pk, TaskLink.objects.get(task=task).pk) + 1000,
        "link_id": link.pk + 1000,
        # A public code that exists, but in the supplier's schema only (tasks, messages, files,
        # Support tasks details all look codes up in the schema of the host asked).
        "code": task.code,
    }
    connection.set_tenant(alpha)
    assert not Subscription.objects.exists() and not RelinkRecord.objects.exists()
    client = client_for(ALPHA)
    client.post("/login/", {"username": ALPHA.staff_email, "password": STAFF_PASSWORD})
    checked = 0
    for name, route in patterns():
        if name.startswith("portal:") or name.split(":")[-1] in SKIP:
            continue
        url = "/" + fill(route, values)
        for method in (client.get, client.post):
            status = method(url).status_code
            assert status in {404, 405}, f"{name} {url} answered {status}"
        checked += 1
    assert checked >= 20


def test_portal_urls_with_foreign_codes_answer_404(supplier):
    connection.set_tenant(supplier)
    own = RelationFactory(name="Eigen organisatie")
    foreign = RelationFactory(name="Andere organisatie")
    me = Contact.objects.create(last_name="Ik", email="ik@portal.test", username="ik@portal.test")
    other = Contact.objects.create(last_name="Ander", email="ander@portal.test", username="ander@portal.test")
    ContactLink.objects.create(contact=me, relation=own, is_admin=True, support_access="all")
    ContactLink.objects.create(contact=other, relation=foreign, is_admin=True, support_access="all")
    foreign_link = ContactLink.objects.get(contact=other)
    foreign_task = TaskFactory(relations=[foreign], reporter=other)
    foreign_file = TaskAttachment.objects.create(
        task=foreign_task, name="loonstrook.pdf", content_type="application/pdf", size=4, file="x/y"
    )
    grant_portal_login(contact=me, password=STAFF_PASSWORD)
    client = client_for(SUPPLIER)
    assert client.post("/portal/login/", {"username": "ik@portal.test", "password": STAFF_PASSWORD}).status_code == 302

    cases = [
        {
            "org": foreign.code,
            "contact": other.code,
            "task": foreign_task.code,
            "link_id": foreign_link.pk,
            "code": foreign_file.code,
        },
        # Our own organisation, but someone else's contact, task, membership and file.
        {
            "org": own.code,
            "contact": other.code,
            "task": foreign_task.code,
            "link_id": foreign_link.pk,
            "code": foreign_file.code,
        },
        {"org": "not-a-code", "contact": "x", "task": "x", "link_id": 1, "code": foreign_file.code},
    ]
    checked = 0
    for name, route in patterns():
        if not name.startswith("portal:") or name.split(":")[-1] in SKIP:
            continue
        for values in cases:
            if values["org"] == own.code and route.count("<") == 1:
                continue  # our own organisation's pages are ours to see
            url = "/" + fill(route, values)
            for method in (client.get, client.post):
                status = method(url).status_code
                assert status in {404, 405}, f"{name} {url} answered {status}"
        checked += 1
    assert checked >= 8
