"""One page-number parser for every list (staff.ui.page_number): an odd ?page= shows page 1,
a number past the last page the last page, never an error."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory

from audit.models import SecurityEvent
from audit.services import record_security_event
from staff.ui import MAX_PAGE, page_number
from subscriptions.services import bind_technical_setup
from tests.conftest import ALPHA, SUPPLIER, logged_in_staff
from tests.factories import ContactFactory, RelationFactory, SubscriptionFactory, TaskFactory
from tests.portal.conftest import org_url, portal_client

# What each odd ?page= shows of a list of two pages.
ODD_PAGES = {"²": 1, "-1": 1, "abc": 1, "99999999999999999999": 2}


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("", 1),
        ("1", 1),
        ("7", 7),
        ("007", 7),
        ("0", 1),
        ("000", 1),
        ("-1", 1),
        ("+2", 1),
        (" 2", 1),
        ("2 ", 1),
        ("1_0", 1),
        ("2.0", 1),
        ("abc", 1),
        ("²", 1),
        ("٣", 1),  # an Arabic-Indic three: a digit to int(), not a plain ASCII number
        ("３", 1),  # a full-width three
        (str(MAX_PAGE), MAX_PAGE),
        (str(MAX_PAGE + 1), MAX_PAGE),
        ("9" * 20, MAX_PAGE),
        ("9" * 5000, MAX_PAGE),  # past int()'s digit limit
    ],
)
def test_page_number_takes_only_a_plain_ascii_positive_integer_and_caps_it(value, number):
    assert page_number(RequestFactory().get("/", {"page": value})) == number


def test_page_number_without_a_page_is_1():
    assert page_number(RequestFactory().get("/")) == 1


def position(html: str) -> tuple[int, int]:
    """The "Page n of m" under a list."""
    found = re.search(r"Page (\d+) of (\d+)", html)
    assert found, "the list shows no pagination"
    return int(found[1]), int(found[2])


def assert_odd_pages_show_the_first_or_the_last(client, url: str) -> None:
    for value, expected in ODD_PAGES.items():
        response = client.get(url, {"page": value})
        assert response.status_code == 200, value
        assert position(response.content.decode()) == (expected, 2), value


@pytest.fixture
def staff_en(in_supplier):
    client = logged_in_staff(SUPPLIER)
    client.post("/i18n/setlang/", {"language": "en"})
    return client


def test_staff_task_list(staff_en, monkeypatch):
    monkeypatch.setattr("tasks.views.TASK_LIST_PAGE_SIZE", 25)  # 50 a page: fewer tasks to make
    TaskFactory.create_batch(30)

    assert_odd_pages_show_the_first_or_the_last(staff_en, "/tasks/")


def test_relation_list(staff_en):
    RelationFactory.create_batch(30)

    assert_odd_pages_show_the_first_or_the_last(staff_en, "/relations/")


def test_tasks_tab_of_a_relation(staff_en):
    relation = RelationFactory()
    TaskFactory.create_batch(30, relations=[relation])

    assert_odd_pages_show_the_first_or_the_last(staff_en, f"/relations/{relation.pk}/tasks/")


def test_contact_list(staff_en):
    ContactFactory.create_batch(30)

    assert_odd_pages_show_the_first_or_the_last(staff_en, "/contacts/")


def test_security_log(staff_en):
    for number in range(29):  # and the staff member's own login: 30
        record_security_event(
            kind=SecurityEvent.Kind.STAFF_LOGIN, actor_label=f"user{number}@example.test", summary="Logged in."
        )

    assert_odd_pages_show_the_first_or_the_last(staff_en, "/audit/")


def test_support_tasks_of_a_customer_contractant(supplier_user, alpha):
    relation = RelationFactory()
    bind_technical_setup(
        subscription=SubscriptionFactory(relation=relation), contractant=alpha, database="default", actor=supplier_user
    )
    TaskFactory.create_batch(30, relations=[relation])
    client = logged_in_staff(ALPHA)
    client.post("/i18n/setlang/", {"language": "en"})

    assert_odd_pages_show_the_first_or_the_last(client, "/tasks/support/")


def test_portal_task_list(accountant, bakkerij):
    TaskFactory.create_batch(30, relations=[bakkerij])

    assert_odd_pages_show_the_first_or_the_last(portal_client(accountant), org_url(bakkerij, "tasks/"))
