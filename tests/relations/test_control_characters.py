"""Control characters (line breaks, tabs, NUL and the like) are refused in every single-line
text of contacts, relations, tasks and subscriptions, by the model, so forms and services alike
refuse them and nothing is saved (issue 14, bad input)."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from relations.models import Relation
from relations.services import relation_create, relation_update
from staff.validators import reject_control_characters
from subscriptions.models import Subscription
from tests.factories import RelationFactory

REFUSED = "Line breaks, tabs and other control characters are not allowed here."
# Single-line texts stored as no person typed them: written by code from a value already
# checked, or parsed (a phone number is stored as E.164 digits).
NOT_TYPED = {
    ("contacts", "Contact", "phone"),
    # Written by code, never typed: tokens, header values and the detected file type.
    ("tasks", "Task", "reply_token"),
    ("tasks", "TaskMessage", "email_message_id"),
    ("tasks", "TaskAttachment", "content_type"),
    ("tasks", "TaskEmail", "address"),
    ("tasks", "TaskEmail", "subject"),
    ("tasks", "TaskEmail", "header_message_id"),
    ("tasks", "BulkJobItem", "message"),  # a service's refusal, written by tasks.bulk
    ("tasks", "SavedView", "query"),  # url-encoded by tasks.saved_views: a control character is %-escaped
    # Checked as what they are: a zone name from the zone database, weekday digits.
    ("tasks", "SlaPolicy", "time_zone"),
    ("tasks", "SlaPolicy", "business_days"),
    ("subscriptions", "TechnicalSetup", "database"),  # a database alias chosen from the settings
    ("subscriptions", "RelinkRecord", "database"),
}


def single_line_texts():
    for app in ["contacts", "relations", "tasks", "subscriptions", "staff"]:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for field in model._meta.concrete_fields:
                # A field with choices takes nothing but its choices.
                if isinstance(field, models.CharField) and not field.choices:
                    yield app, model.__name__, field.name, field


@pytest.mark.parametrize(("app", "model", "name", "field"), list(single_line_texts()), ids=lambda value: str(value))
def test_every_single_line_text_refuses_control_characters(app, model, name, field):
    if (app, model, name) in NOT_TYPED:
        pytest.skip("not stored as typed")
    assert reject_control_characters in field.validators


@pytest.fixture
def client_en(supplier_staff_client, in_supplier):
    supplier_staff_client.post("/i18n/setlang/", {"language": "en"})
    return supplier_staff_client


@pytest.mark.parametrize(
    "value", ["Bakkerij\r\nBcc: iedereen@example.test", "Bakkerij\tJansen", "Bakkerij\u2028Jansen"]
)
def test_the_relation_pages_refuse_control_characters_in_a_name(client_en, value):
    relation = RelationFactory(name="Bakkerij Jansen")
    new = {"kind": "company", "name": value, "customer_number": "K4001", "country": "NL"}

    created = client_en.post("/relations/new/", new)
    edited = client_en.post(
        f"/relations/{relation.pk}/edit/",
        {**new, "customer_number": relation.customer_number, "version": relation.version},
    )

    for response in [created, edited]:
        assert response.status_code == 200
        assert REFUSED in response.content.decode()
    assert not Relation.objects.filter(customer_number="K4001").exists()
    assert Relation.objects.get(pk=relation.pk).name == "Bakkerij Jansen"


def test_the_relation_services_refuse_control_characters(supplier_user):
    relation = RelationFactory(city="Utrecht")

    with pytest.raises(ValidationError) as on_create:
        relation_create(actor=supplier_user, name="Bakkerij", customer_number="K4002\n", city="Utrecht")
    with pytest.raises(ValidationError) as on_update:
        relation_update(relation=relation, actor=supplier_user, data={"city": "Utrecht\x00"})

    assert REFUSED in on_create.value.message_dict["customer_number"]
    assert REFUSED in on_update.value.message_dict["city"]
    assert not Relation.objects.filter(name="Bakkerij").exists()
    assert Relation.objects.get(pk=relation.pk).city == "Utrecht"


def test_a_subscriptions_product_refuses_control_characters(in_supplier):
    subscription = Subscription(
        relation=RelationFactory(), product="Payroll\r\nX", start_date=datetime.date(2026, 1, 1)
    )

    with pytest.raises(ValidationError) as refused:
        subscription.full_clean()

    assert refused.value.message_dict["product"] == [REFUSED]
