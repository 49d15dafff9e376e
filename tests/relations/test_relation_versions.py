"""Two staff members editing one relation: the second save from a stale form is refused, with
what changed meanwhile, and the first one's change is kept (issue 14, lost updates)."""

from __future__ import annotations

import re

import pytest

from audit.updates import StaleVersionError
from relations.models import Relation
from relations.services import relation_update
from tests.conftest import SUPPLIER, logged_in_staff
from tests.factories import RelationFactory


def english_staff_client():
    client = logged_in_staff(SUPPLIER)
    client.post("/i18n/setlang/", {"language": "en"})
    return client


@pytest.fixture
def two_staff(in_supplier):
    return english_staff_client(), english_staff_client()


def version_on(page: str) -> str:
    found = re.search(r'<input type="hidden" name="version" value="(\d+)"', page)
    assert found, "the edit form carries no version"
    return found.group(1)


def form_data(relation: Relation, version: str, **changes) -> dict:
    return {
        "kind": relation.kind,
        "name": relation.name,
        "customer_number": relation.customer_number,
        "coc_number": relation.coc_number,
        "street": relation.street,
        "house_number": relation.house_number,
        "postcode": relation.postcode,
        "city": relation.city,
        "country": relation.country,
        "is_active": "on",
        "version": version,
        **changes,
    }


def test_a_save_from_a_stale_form_is_refused_and_the_first_save_is_kept(two_staff):
    anna, bert = two_staff
    relation = RelationFactory(name="Bakkerij Jansen", city="Utrecht")
    url = f"/relations/{relation.pk}/edit/"
    annas_version = version_on(anna.get(url).content.decode())
    berts_version = version_on(bert.get(url).content.decode())

    first = bert.post(url, form_data(relation, berts_version, city="Amersfoort"))
    second = anna.post(url, form_data(relation, annas_version, name="Bakkerij Jansen en Zonen"))

    assert first.status_code == 302
    assert second.status_code == 409
    page = second.content.decode()
    assert "Someone else saved changes after you opened this form, so yours were not saved." in page
    assert "Name: now “Bakkerij Jansen”, yours “Bakkerij Jansen en Zonen”." in page
    assert "City: now “Amersfoort”, yours “Utrecht”." in page
    assert 'value="Bakkerij Jansen en Zonen"' in page  # what Anna typed is still in the form
    stored = Relation.objects.get(pk=relation.pk)
    assert (stored.name, stored.city, stored.version) == ("Bakkerij Jansen", "Amersfoort", 2)
    assert stored.history.count() == 2  # created, Bert's change; nothing of Anna's


def test_saving_the_refused_form_again_keeps_the_users_values(two_staff):
    anna, bert = two_staff
    relation = RelationFactory(name="Bakkerij Jansen", city="Utrecht")
    url = f"/relations/{relation.pk}/edit/"
    annas_version = version_on(anna.get(url).content.decode())
    bert.post(url, form_data(relation, version_on(bert.get(url).content.decode()), city="Amersfoort"))
    refused = anna.post(url, form_data(relation, annas_version, city="Zeist")).content.decode()

    again = anna.post(url, form_data(relation, version_on(refused), city="Zeist"))

    assert version_on(refused) == "2"
    assert again.status_code == 302
    stored = Relation.objects.get(pk=relation.pk)
    assert (stored.city, stored.version) == ("Zeist", 3)


def test_a_form_without_a_version_is_checked_as_stale(two_staff):
    anna, _bert = two_staff
    relation = RelationFactory(name="Bakkerij Jansen")
    data = form_data(relation, "", name="Bakkerij Pietersen")

    for version in ["", "abc", "-1", "99999999999999999999999"]:
        response = anna.post(f"/relations/{relation.pk}/edit/", {**data, "version": version})
        assert response.status_code == 409
    assert Relation.objects.get(pk=relation.pk).name == "Bakkerij Jansen"


def test_relation_update_refuses_a_stale_version_and_saves_nothing(supplier_user):
    relation = RelationFactory(name="Bakkerij Jansen", city="Utrecht", is_active=True)
    relation_update(relation=relation, actor=supplier_user, data={"city": "Amersfoort"}, version=1)

    with pytest.raises(StaleVersionError) as refused:
        relation_update(
            relation=Relation.objects.get(pk=relation.pk),
            actor=supplier_user,
            data={"name": "Bakkerij Pietersen", "city": "Utrecht", "is_active": False},
            version=1,
        )

    assert refused.value.code == "stale"
    assert all(error.code == "stale" for error in refused.value.error_list)
    assert refused.value.version == 2
    assert refused.value.differences == [
        ("Name", "Bakkerij Jansen", "Bakkerij Pietersen"),
        ("City", "Amersfoort", "Utrecht"),
        ("Active", "Yes", "No"),
    ]
    stored = Relation.objects.get(pk=relation.pk)
    assert (stored.name, stored.city, stored.is_active, stored.version) == ("Bakkerij Jansen", "Amersfoort", True, 2)
    assert stored.history.count() == 2


def test_the_version_counts_saved_changes_only(supplier_user):
    relation = RelationFactory(name="Bakkerij Jansen")

    relation_update(relation=relation, actor=supplier_user, data={"name": "Bakkerij Jansen"}, version=1)
    assert Relation.objects.get(pk=relation.pk).version == 1
    # Callers without a form (the portal's address change) are not checked, and still count.
    relation_update(relation=relation, actor=supplier_user, data={"city": "Zeist"})
    assert Relation.objects.get(pk=relation.pk).version == 2


def test_a_stale_form_that_changes_nothing_is_not_refused(supplier_user):
    relation = RelationFactory(name="Bakkerij Jansen", city="Utrecht")
    relation_update(relation=relation, actor=supplier_user, data={"city": "Amersfoort"}, version=1)

    relation_update(relation=relation, actor=supplier_user, data={"city": "Amersfoort"}, version=1)

    assert Relation.objects.get(pk=relation.pk).version == 2
