"""Customer view (rule 3): contractant X sees the tasks its supplier links to the bound relation."""

from __future__ import annotations

from django.db import connection

from subscriptions.relink import relink
from subscriptions.services import bind_technical_setup
from tests.conftest import ALPHA, BETA, STAFF_PASSWORD, client_for
from tests.factories import RelationFactory, SubscriptionFactory, TaskFactory


def staff_page(persona, path="/tasks/support/") -> str:
    client = client_for(persona)
    client.post("/login/", {"username": persona.staff_email, "password": STAFF_PASSWORD})
    client.post("/i18n/setlang/", {"language": "en"})
    return client.get(path).content.decode()


def test_customer_sees_only_the_tasks_of_its_bound_relation_and_moved_tasks_at_once(supplier_user, supplier, alpha):
    old, new = RelationFactory(name="Bakkerij Jansen"), RelationFactory(name="Jansen Brood")
    SubscriptionFactory(relation=new)
    bind_technical_setup(
        subscription=SubscriptionFactory(relation=old), contractant=alpha, database="default", actor=supplier_user
    )
    TaskFactory(relations=[old], subject="Loonstrook van Jansen")
    TaskFactory(relations=[RelationFactory(name="Ander bedrijf")], subject="Melding van een ander")

    before = staff_page(ALPHA)
    assert "Loonstrook van Jansen" in before
    assert "Melding van een ander" not in before
    assert "Brightsoft Support" in before

    connection.set_tenant(supplier)
    TaskFactory(relations=[new], subject="Al bij de nieuwe relatie")
    relink(from_relation=old, to_relation=new, actor=supplier_user)

    after = staff_page(ALPHA)
    assert "Loonstrook van Jansen" in after
    assert "Al bij de nieuwe relatie" in after
    assert "Melding van een ander" not in after


def test_closed_tasks_show_only_on_request(supplier_user, alpha):
    relation = RelationFactory()
    bind_technical_setup(
        subscription=SubscriptionFactory(relation=relation), contractant=alpha, database="default", actor=supplier_user
    )
    TaskFactory(relations=[relation], subject="Afgehandeld", status="closed")

    assert "Afgehandeld" not in staff_page(ALPHA)
    assert "Afgehandeld" in staff_page(ALPHA, "/tasks/support/?open=0")


def test_an_unbound_contractant_is_told_so(db):
    page = staff_page(BETA)

    assert "No supplier has bound this environment to a relation yet" in page
