"""Technical setup: one relation per contractant, with clear refusals (DESIGN.md rule 1)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from subscriptions.models import TechnicalSetup
from subscriptions.services import bind_technical_setup, unbind_technical_setup
from tenants.models import Contractant, ContractantBinding
from tests.factories import SubscriptionFactory


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def bind(subscription, contractant, user, database=None):
    return bind_technical_setup(
        subscription=subscription, contractant=contractant, database=database or contractant.database, actor=user
    )


def test_binding_creates_the_setup_and_the_public_registry_row(supplier_user, supplier, alpha):
    subscription = SubscriptionFactory(relation__name="Bakkerij Jansen V.O.F.")

    setup = bind(subscription, alpha, supplier_user)

    assert setup.contractant == alpha
    registry = ContractantBinding.objects.get(bound_contractant=alpha)
    assert (registry.holder, registry.relation_id, registry.relation_name) == (
        supplier,
        subscription.relation_id,
        "Bakkerij Jansen V.O.F.",
    )
    assert setup.history.get().history_user == supplier_user


def test_a_bound_contractant_is_refused_naming_the_relation_that_holds_it(supplier_user, alpha):
    bind(SubscriptionFactory(relation__name="Bakkerij Jansen V.O.F."), alpha, supplier_user)
    second = SubscriptionFactory(relation__name="Jansen Brood & Banket B.V.")

    with pytest.raises(ValidationError, match="already bound to the relation Bakkerij Jansen V.O.F."):
        bind(second, alpha, supplier_user)

    assert not TechnicalSetup.objects.filter(subscription=second).exists()


def test_an_inactive_subscription_cannot_be_bound(supplier_user, alpha):
    subscription = SubscriptionFactory(is_active=False, product="Oud contract")

    with pytest.raises(ValidationError, match="'Oud contract' is not active"):
        bind(subscription, alpha, supplier_user)

    assert not ContractantBinding.objects.filter(bound_contractant=alpha).exists()


def test_the_database_must_be_the_contractants_own(supplier_user, alpha):
    Contractant.objects.filter(pk=alpha.pk).update(database="shard2")
    alpha.refresh_from_db()

    with pytest.raises(ValidationError, match="lives in database 'shard2', not in 'default'"):
        bind(SubscriptionFactory(), alpha, supplier_user, database="default")


def test_the_suppliers_own_contractant_cannot_be_bound(supplier_user, supplier):
    with pytest.raises(ValidationError, match="is this environment itself"):
        bind(SubscriptionFactory(), supplier, supplier_user)


def test_a_contractant_bound_by_another_supplier_is_refused_without_naming_its_relation(alpha, beta, supplier):
    # Alpha as a second supplier, holding Beta under a relation the first must not learn about.
    Contractant.objects.filter(pk=alpha.pk).update(role=Contractant.Role.SUPPLIER)
    connection.set_tenant(Contractant.objects.get(pk=alpha.pk))
    bind(SubscriptionFactory(relation__name="Geheime klant"), beta, None)
    connection.set_tenant(supplier)

    with pytest.raises(ValidationError) as excinfo:
        bind(SubscriptionFactory(), beta, None)

    assert "another supplier environment" in excinfo.value.messages[0]
    assert "Geheime klant" not in excinfo.value.messages[0]


def test_the_database_refuses_a_second_setup_for_one_contractant_even_past_the_service(in_supplier, alpha):
    TechnicalSetup.objects.create(subscription=SubscriptionFactory(), contractant=alpha, database="default")

    with pytest.raises(IntegrityError), transaction.atomic():
        TechnicalSetup.objects.create(subscription=SubscriptionFactory(), contractant=alpha, database="default")


def test_the_public_registry_refuses_a_second_binding_across_schemas(supplier, alpha, beta):
    ContractantBinding.objects.create(
        bound_contractant=beta, holder=supplier, relation_id=1, relation_name="A", subscription_id=1
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        ContractantBinding.objects.create(
            bound_contractant=beta, holder=alpha, relation_id=2, relation_name="B", subscription_id=2
        )


def test_unbinding_clears_setup_and_registry(supplier_user, alpha):
    subscription = SubscriptionFactory()
    bind(subscription, alpha, supplier_user)

    unbind_technical_setup(subscription=subscription, actor=supplier_user)

    assert not TechnicalSetup.objects.filter(subscription=subscription).exists()
    assert not ContractantBinding.objects.filter(bound_contractant=alpha).exists()


def test_bind_from_the_subscriptions_tab_and_see_the_refusal_message(supplier_staff_client, alpha):
    first = SubscriptionFactory(relation__name="Bakkerij Jansen V.O.F.")
    second = SubscriptionFactory(relation__name="Jansen Brood & Banket B.V.")
    supplier_staff_client.post("/i18n/setlang/", {"language": "en"})

    response = supplier_staff_client.post(
        f"/subscriptions/{first.pk}/setup/",
        {f"setup-{first.pk}-database": "default", f"setup-{first.pk}-contractant": alpha.pk},
        follow=True,
    )
    assert "Alpha Accountants is now bound to Bakkerij Jansen V.O.F." in response.content.decode()

    response = supplier_staff_client.post(
        f"/subscriptions/{second.pk}/setup/",
        {f"setup-{second.pk}-database": "default", f"setup-{second.pk}-contractant": alpha.pk},
        follow=True,
    )
    page = response.content.decode()
    assert "already bound to the relation Bakkerij Jansen V.O.F." in page
    assert not TechnicalSetup.objects.filter(subscription=second).exists()


def test_contractant_choices_follow_the_database(supplier_staff_client, alpha):
    Contractant.objects.filter(pk=alpha.pk).update(database="shard2")

    default_options = supplier_staff_client.get("/subscriptions/contractant-options/?setup-1-database=default")
    shard_options = supplier_staff_client.get("/subscriptions/contractant-options/?setup-1-database=shard2")

    assert "Alpha Accountants" not in default_options.content.decode()
    assert "Beta Bouw" in default_options.content.decode()
    assert "Alpha Accountants" in shard_options.content.decode()
