"""Hostile input on the forms staff and portal users post: never a server error, never
unescaped markup, and nothing half-saved when the input is refused."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contacts.models import Contact, ContactLink
from portal.services import grant_portal_login
from relations.models import Relation
from tasks.models import Task
from tests.conftest import STAFF_PASSWORD, SUPPLIER, client_for
from tests.factories import RelationFactory

MARKUP = "<script>alert(1)</script>"
hostile_text = st.one_of(
    st.text(max_size=300),
    st.text(min_size=1000, max_size=3000),
    st.sampled_from(
        [
            MARKUP,
            "'; DROP TABLE relations_relation; --",
            "\x00nul",
            "Ω≈ç√∫˜µ≤≥÷ 👩‍💻",
            " ",
            "1234 AB\x00",
            "%(name)s{{x}}",
        ]
    ),
)
FUZZ = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def assert_handled(response) -> str:
    assert response.status_code in {200, 302, 400}, response.status_code
    page = response.content.decode()
    assert MARKUP not in page
    return page


@pytest.fixture
def staff(supplier_staff_client, in_supplier):
    return supplier_staff_client


@FUZZ
@given(name=hostile_text, number=hostile_text, postcode=hostile_text, city=hostile_text)
def test_relation_form(staff, name, number, postcode, city):
    before = Relation.objects.count()
    response = staff.post(
        "/relations/new/",
        {
            "kind": "company",
            "name": name,
            "customer_number": number,
            "postcode": postcode,
            "city": city,
            "country": "NL",
        },
    )
    assert_handled(response)
    if response.status_code != 302:
        assert Relation.objects.count() == before


@FUZZ
@given(first=hostile_text, last=hostile_text, email=hostile_text, phone=hostile_text)
def test_contact_form(staff, first, last, email, phone):
    before = Contact.objects.count()
    response = staff.post(
        "/contacts/new/", {"first_name": first, "last_name": last, "email": email, "phone": phone, "kind": "person"}
    )
    assert_handled(response)
    if response.status_code != 302:
        assert Contact.objects.count() == before


@FUZZ
@given(subject=hostile_text, description=hostile_text, priority=st.text(max_size=5))
def test_task_form(staff, subject, description, priority):
    before = Task.objects.count()
    response = staff.post("/tasks/new/", {"subject": subject, "description": description, "priority": priority})
    assert_handled(response)
    if response.status_code != 302:
        assert Task.objects.count() == before


@FUZZ
@given(query=hostile_text, status=hostile_text, page=hostile_text)
def test_list_filters(staff, query, status, page):
    for url in ["/relations/", "/tasks/", "/contacts/", "/relations/picker/", "/contacts/duplicates/", "/audit/"]:
        assert_handled(staff.get(url, {"q": query, "status": status, "kind": status, "page": page, "email": query}))


@pytest.fixture
def portal_admin(in_supplier):
    relation = RelationFactory(name="Fuzz B.V.", customer_number="F1", coc_number="11112222")
    contact = Contact.objects.create(last_name="Fuzz", email="fuzz@portal.test", username="fuzz@portal.test")
    ContactLink.objects.create(contact=contact, relation=relation, is_admin=True, support_access="all")
    grant_portal_login(contact=contact, password=STAFF_PASSWORD)
    client = client_for(SUPPLIER)
    client.post("/portal/login/", {"username": "fuzz@portal.test", "password": STAFF_PASSWORD})
    return client, relation


@FUZZ
@given(street=hostile_text, postcode=hostile_text, number=hostile_text, kvk=hostile_text, subject=hostile_text)
def test_portal_forms(portal_admin, street, postcode, number, kvk, subject):
    from django.core.cache import cache

    cache.clear()  # the membership throttle would otherwise answer after 5 examples
    client, relation = portal_admin
    base = f"/portal/o/{relation.code}"
    version = type(relation).objects.get(pk=relation.pk).version  # the form carries the one it was drawn at
    address = {"street": street, "postcode": postcode, "city": street, "country": "NL", "version": version}
    assert_handled(client.post(f"{base}/", address))
    assert_handled(client.post(f"{base}/contacts/new/", {"last_name": street, "email": number, "phone": postcode}))
    assert_handled(client.post("/portal/organisations/add/", {"customer_number": number, "coc_number": kvk}))
    assert_handled(client.post(f"{base}/tasks/new/", {"subject": subject, "description": street}))


def test_posts_without_csrf_token_are_refused(db):
    from django.test import Client

    client = Client(HTTP_HOST=SUPPLIER.host, enforce_csrf_checks=True)
    for url in ["/login/", "/portal/login/", "/portal/access/", "/relations/new/", "/tasks/move/"]:
        assert client.post(url, {"username": "x"}).status_code == 403
