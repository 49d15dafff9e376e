"""The staff menu's "Support tasks" (issue 18): only a contractant that a supplier has bound
sees it; for the supplier itself, or a customer not bound yet, it would always be empty."""

from __future__ import annotations

from django.db import connection

from subscriptions.services import bind_technical_setup
from tests.conftest import ALPHA, SUPPLIER, logged_in_staff
from tests.factories import RelationFactory, SubscriptionFactory

MENU_ITEM = '<a href="/tasks/support/"'


def menu_of(persona) -> str:
    client = logged_in_staff(persona)
    client.post("/i18n/setlang/", {"language": "en"})
    page = client.get("/").content.decode()
    start = page.index('<nav class="mainnav"')
    return page[start : page.index("</nav>", start)]


def test_the_supplier_does_not_see_support_tasks_in_its_menu(supplier):
    menu = menu_of(SUPPLIER)

    assert MENU_ITEM not in menu and "Relations" in menu


def test_a_customer_sees_support_tasks_only_once_it_is_bound(supplier, supplier_user, alpha):
    assert MENU_ITEM not in menu_of(ALPHA)

    connection.set_tenant(supplier)
    subscription = SubscriptionFactory(relation=RelationFactory())
    bind_technical_setup(subscription=subscription, contractant=alpha, database="default", actor=supplier_user)

    assert f"{MENU_ITEM}>Support tasks</a>" in menu_of(ALPHA)
