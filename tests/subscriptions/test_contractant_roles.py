"""Only a supplier binds, only a customer is bound (issue 14, finding 1).

A customer contractant's staff once listed every contractant on the platform through the
picker's fragment and bound the supplier itself through their own subscription.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from audit.models import SecurityEvent
from subscriptions.models import TechnicalSetup
from subscriptions.services import bind_technical_setup
from tenants.models import Contractant, ContractantBinding
from tenants.services import set_contractant_role
from tests.conftest import SUPPLIER
from tests.factories import SubscriptionFactory


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_a_customer_environment_cannot_bind_anyone_and_the_attempt_is_logged(alpha, supplier):
    connection.set_tenant(alpha)
    subscription = SubscriptionFactory(relation__name="Lokaas B.V.")

    with pytest.raises(ValidationError, match="Only a supplier environment"):
        bind_technical_setup(subscription=subscription, contractant=supplier, database="default", actor=None)

    assert not TechnicalSetup.objects.exists()
    assert not ContractantBinding.objects.filter(bound_contractant=supplier).exists()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.BINDING_REFUSED)
    assert "Lokaas B.V." in event.summary


def test_a_supplier_cannot_bind_another_supplier(in_supplier, alpha):
    Contractant.objects.filter(pk=alpha.pk).update(role=Contractant.Role.SUPPLIER)
    alpha.refresh_from_db()

    with pytest.raises(ValidationError, match="is a supplier environment"):
        bind_technical_setup(subscription=SubscriptionFactory(), contractant=alpha, database="default", actor=None)

    assert not TechnicalSetup.objects.exists()


def test_a_customer_sees_no_picker_and_its_fragment_answers_404(alpha_staff_client):
    from tests.factories import RelationFactory

    relation = RelationFactory(name="Eigen klant")
    SubscriptionFactory(relation=relation)

    tab = alpha_staff_client.get(f"/relations/{relation.pk}/subscriptions/")
    fragment = alpha_staff_client.get("/subscriptions/contractant-options/?database=default")

    assert tab.status_code == 200
    assert "Alleen een leveranciersomgeving koppelt contractanten" in tab.content.decode()  # Dutch first
    assert b'name="setup-' not in tab.content
    assert fragment.status_code == 404


def test_the_suppliers_picker_offers_customers_of_the_database_and_narrows_by_search(supplier_staff_client):
    listed = supplier_staff_client.get("/subscriptions/contractant-options/?database=default").content.decode()
    searched = supplier_staff_client.get(
        "/subscriptions/contractant-options/?setup-1-database=default&setup-1-search=beta"
    ).content.decode()

    assert "Alpha Accountants" in listed and "Beta Bouw" in listed
    assert SUPPLIER.name not in listed  # itself, and a supplier: never offered
    assert "Beta Bouw" in searched and "Alpha Accountants" not in searched


def test_the_picker_shows_a_bounded_number_of_matches(supplier_staff_client, django_assert_max_num_queries):
    from subscriptions.selectors import CONTRACTANT_CHOICES_SHOWN

    Contractant.objects.bulk_create(
        Contractant(name=f"Klant {n:03d}", schema_name=f"ghost_{n:03d}") for n in range(CONTRACTANT_CHOICES_SHOWN + 5)
    )

    with django_assert_max_num_queries(8):
        page = supplier_staff_client.get("/subscriptions/contractant-options/?database=default").content.decode()

    assert page.count('<option value="') == CONTRACTANT_CHOICES_SHOWN + 1  # the empty choice first


def test_searching_without_javascript_shows_the_matches_on_the_tab(supplier_staff_client):
    from tests.factories import RelationFactory

    relation = RelationFactory(name="Zoeker B.V.")
    subscription = SubscriptionFactory(relation=relation)
    prefix = f"setup-{subscription.pk}"

    response = supplier_staff_client.post(
        f"/subscriptions/{subscription.pk}/setup/",
        {"action": "search", f"{prefix}-database": "default", f"{prefix}-search": "alpha"},
        follow=True,
    )

    page = response.content.decode()
    assert response.redirect_chain[0][0].startswith(f"/relations/{relation.pk}/subscriptions/?")
    assert "csrfmiddlewaretoken" not in response.redirect_chain[0][0]
    assert "Alpha Accountants" in page and "Beta Bouw" not in page
    assert not TechnicalSetup.objects.exists()


def test_a_supplier_holding_bindings_cannot_become_a_customer(in_supplier, alpha, supplier):
    bind_technical_setup(subscription=SubscriptionFactory(), contractant=alpha, database="default", actor=None)

    with pytest.raises(ValidationError, match="still binds 1 contractant"):
        set_contractant_role(contractant=supplier, role=Contractant.Role.CUSTOMER)
    with pytest.raises(ValidationError, match="cannot become a supplier"):
        set_contractant_role(contractant=alpha, role=Contractant.Role.SUPPLIER)

    assert Contractant.objects.get(pk=supplier.pk).role == Contractant.Role.SUPPLIER
    assert Contractant.objects.get(pk=alpha.pk).role == Contractant.Role.CUSTOMER


def test_the_migration_makes_suppliers_of_those_that_hold_bindings(in_supplier, alpha, supplier):
    bind_technical_setup(subscription=SubscriptionFactory(), contractant=alpha, database="default", actor=None)
    Contractant.objects.update(role=Contractant.Role.CUSTOMER)
    migration = importlib.import_module("tenants.migrations.0004_contractant_role")

    migration.suppliers_are_those_holding_bindings(apps, None)

    roles = dict(Contractant.objects.values_list("schema_name", "role"))
    assert roles[supplier.schema_name] == "supplier"
    assert roles[alpha.schema_name] == "customer"


# --- Roles read under the rows' locks (review of issue 14, finding 5) -----------------------------


def test_a_target_made_a_supplier_since_it_was_loaded_is_refused(in_supplier, alpha):
    loaded = Contractant.objects.get(pk=alpha.pk)  # a customer when the page was drawn
    Contractant.objects.filter(pk=alpha.pk).update(role=Contractant.Role.SUPPLIER)

    with pytest.raises(ValidationError, match="is a supplier environment"):
        bind_technical_setup(subscription=SubscriptionFactory(), contractant=loaded, database="default", actor=None)

    assert not TechnicalSetup.objects.exists()


def test_a_holder_made_a_customer_since_the_request_began_binds_nothing(in_supplier, supplier, alpha):
    assert connection.tenant.is_supplier  # the request's copy of this environment
    Contractant.objects.filter(pk=supplier.pk).update(role=Contractant.Role.CUSTOMER)

    with pytest.raises(ValidationError, match="Only a supplier environment"):
        bind_technical_setup(subscription=SubscriptionFactory(), contractant=alpha, database="default", actor=None)

    assert not ContractantBinding.objects.filter(bound_contractant=alpha).exists()


def test_binding_locks_both_contractants_in_key_order(in_supplier, supplier, alpha):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        bind_technical_setup(subscription=SubscriptionFactory(), contractant=alpha, database="default", actor=None)

    [lock] = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"] and "tenants_contractant" in q["sql"]]
    assert 'ORDER BY "tenants_contractant"."id" ASC' in lock


# --- A crafted post: logged, whoever makes it (finding 6) -----------------------------------------


def setup_post(subscription, contractant_pk) -> dict:
    prefix = f"setup-{subscription.pk}"
    return {f"{prefix}-database": "default", f"{prefix}-contractant": str(contractant_pk)}


def test_a_customer_environment_posting_a_binding_gets_404_and_a_log_entry(alpha_staff_client, supplier):
    subscription = SubscriptionFactory(relation__name="Lokaas B.V.")

    response = alpha_staff_client.post(
        f"/subscriptions/{subscription.pk}/setup/", setup_post(subscription, supplier.pk)
    )

    assert response.status_code == 404
    assert not TechnicalSetup.objects.exists()
    [event] = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.BINDING_REFUSED)
    assert SUPPLIER.name in event.summary and "Lokaas B.V." in event.summary
    assert event.actor.username == "beheer@alpha.test"


def test_a_supplier_posting_another_supplier_is_refused_by_the_service_and_logged(supplier_staff_client, beta):
    Contractant.objects.filter(pk=beta.pk).update(role=Contractant.Role.SUPPLIER)
    subscription = SubscriptionFactory(relation__name="Doelwit B.V.")

    response = supplier_staff_client.post(
        f"/subscriptions/{subscription.pk}/setup/", setup_post(subscription, beta.pk), follow=True
    )

    assert "Beta Bouw is een leveranciersomgeving; alleen klant-contractanten" in response.content.decode()  # Dutch
    assert not TechnicalSetup.objects.exists()
    [event] = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.BINDING_REFUSED)
    assert "Beta Bouw" in event.summary and "Doelwit B.V." in event.summary


def test_a_supplier_posting_itself_is_refused_by_the_service_and_logged(supplier_staff_client, supplier):
    subscription = SubscriptionFactory()

    supplier_staff_client.post(f"/subscriptions/{subscription.pk}/setup/", setup_post(subscription, supplier.pk))

    assert not TechnicalSetup.objects.exists()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.BINDING_REFUSED).count() == 1
