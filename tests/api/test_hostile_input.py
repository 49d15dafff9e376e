"""Every write endpoint of the API gets hostile values in each field it takes (the same list
tests/test_every_form.py posts to the pages' forms): never a server error, an answer that is
JSON, and a refusal names the field."""

from __future__ import annotations

import pytest

from contacts.services.contacts import create_contact
from tests.factories import RelationFactory, SubscriptionFactory, TaskFactory
from tests.test_every_form import HOSTILE

HANDLED = {200, 201, 204, 400, 404, 409}
LONG = ["x" * 3000, "é" * 400]


@pytest.fixture
def objects(in_supplier, supplier_user):
    relation = RelationFactory()
    contact = create_contact(actor=supplier_user, last_name="Doel", email="doel@x.test", relation=relation)
    return {
        "relation": relation.pk,
        "subscription": SubscriptionFactory(relation=relation).pk,
        "contact": contact.pk,
        "link": contact.links.get().pk,
        "task": TaskFactory(relations=[relation]).pk,
    }


def endpoints(ids: dict) -> list[tuple[str, str, list[str]]]:
    relation, contact, task = ids["relation"], ids["contact"], ids["task"]
    relation_fields = ["name", "customer_number", "coc_number", "postcode", "country", "kind", "version"]
    return [
        ("post", "/api/relations/", relation_fields),
        ("patch", f"/api/relations/{relation}/", relation_fields),
        ("post", f"/api/relations/{relation}/relink/", ["to"]),
        ("post", "/api/subscriptions/", ["relation", "product", "start_date", "end_date"]),
        ("patch", f"/api/subscriptions/{ids['subscription']}/", ["product", "start_date", "is_active"]),
        ("post", f"/api/subscriptions/{ids['subscription']}/setup/", ["contractant", "database"]),
        ("post", "/api/contacts/", ["last_name", "email", "phone", "kind", "relation", "attribute_values"]),
        ("patch", f"/api/contacts/{contact}/", ["first_name", "email", "phone", "version", "attribute_values"]),
        ("post", f"/api/contacts/{contact}/links/", ["relation", "support_access", "from_date"]),
        ("patch", f"/api/contacts/{contact}/links/{ids['link']}/", ["job_title", "status", "from_date"]),
        ("post", "/api/tasks/", ["subject", "priority", "assignee", "relation_ids", "reporter"]),
        ("patch", f"/api/tasks/{task}/", ["subject", "status", "priority", "team", "version"]),
        ("post", f"/api/tasks/{task}/messages/", ["kind", "body", "set_status"]),
    ]


@pytest.fixture
def no_rate_limit(settings):
    # Some 1,300 requests in a few seconds: the limit itself is tests/api/test_access.py's.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api_token": "100000/minute"}}


def test_every_write_endpoint_survives_hostile_values(no_rate_limit, api, objects):
    base = {"name": "Goed B.V.", "customer_number": "G-1", "last_name": "Goed", "email": "goed@x.test"}
    checked = 0
    for method, url, fields in endpoints(objects):
        for field in fields:
            for value in [*HOSTILE, *LONG, None, ["lijst"], {"a": "b"}]:
                response = getattr(api, method)(url, {**base, field: value}, format="json")
                assert response.status_code in HANDLED, f"{method} {url} {field}={value!r}: {response.status_code}"
                if response.status_code == 400:
                    assert isinstance(response.json(), dict | list)
            checked += 1
    assert checked >= 40
