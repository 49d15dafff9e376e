"""model_update: only changed fields are saved, with the acting user on the history row."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from audit.updates import model_update
from relations.models import Relation
from tests.factories import RelationFactory, TaskFactory


def test_only_the_changed_fields_are_saved_and_history_names_the_actor(supplier_user):
    relation = RelationFactory(name="Bakkerij Oud", city="Utrecht")
    Relation.objects.filter(pk=relation.pk).update(city="Zwolle")  # changed by someone else meanwhile

    changed = model_update(
        instance=relation,
        fields=["name", "city"],
        data={"name": "Bakkerij Nieuw", "city": "Utrecht"},
        actor=supplier_user,
    )

    assert changed == ["name"]
    stored = Relation.objects.get(pk=relation.pk)
    assert (stored.name, stored.city) == ("Bakkerij Nieuw", "Zwolle")  # the untouched field kept the other change
    latest = Relation.history.filter(id=relation.pk).latest("history_date")
    assert latest.history_user == supplier_user


def test_nothing_changed_saves_nothing(supplier_user, django_assert_num_queries):
    task = TaskFactory(subject="Loonstrook")

    with django_assert_num_queries(0):
        assert (
            model_update(instance=task, fields=["subject"], data={"subject": "Loonstrook"}, actor=supplier_user) == []
        )


def test_invalid_data_is_refused_and_nothing_is_saved(supplier_user):
    task = TaskFactory(subject="Loonstrook")

    with pytest.raises(ValidationError):
        model_update(
            instance=task,
            fields=["subject", "priority"],
            data={"subject": "Nieuw", "priority": "nope"},
            actor=supplier_user,
        )

    task.refresh_from_db()
    assert task.subject == "Loonstrook"
