"""The relink (seed 000): binding and open tasks move in one atomic, audited, reversible action."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import translation

from subscriptions import relink as relink_services
from subscriptions.models import RelinkRecord, TechnicalSetup
from subscriptions.services import bind_technical_setup
from tasks.models import TaskLink
from tenants.models import ContractantBinding
from tests.factories import RelationFactory, SubscriptionFactory, TaskFactory


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def linked_relation_ids(task) -> set[int]:
    return set(TaskLink.objects.filter(task=task).values_list("relation_id", flat=True))


def snapshot():
    return (
        sorted(TechnicalSetup.objects.values_list("subscription_id", "contractant_id")),
        sorted(TaskLink.objects.values_list("task_id", "relation_id")),
        sorted(ContractantBinding.objects.values_list("bound_contractant_id", "relation_id")),
        RelinkRecord.objects.count(),
    )


def test_relink_moves_binding_and_only_open_tasks(scenario, supplier_user, alpha):
    result = relink_services.relink(from_relation=scenario.old, to_relation=scenario.new, actor=supplier_user)

    setup = TechnicalSetup.objects.get(contractant=alpha)
    assert setup.subscription.relation == scenario.new
    assert not TechnicalSetup.objects.filter(subscription__relation=scenario.old).exists()
    assert ContractantBinding.objects.get(bound_contractant=alpha).relation_id == scenario.new.pk
    assert result.moved_task_count == len(scenario.open_tasks)
    for task in scenario.open_tasks:
        assert scenario.new.pk in linked_relation_ids(task)
        assert scenario.old.pk not in linked_relation_ids(task)
    assert linked_relation_ids(scenario.closed_task) == {scenario.old.pk}
    assert linked_relation_ids(scenario.shared_task) == {scenario.new.pk, scenario.third.pk}


def test_relink_writes_one_audit_entry_with_who_and_what(scenario, supplier_user, alpha):
    result = relink_services.relink(from_relation=scenario.old, to_relation=scenario.new, actor=supplier_user)

    record = RelinkRecord.objects.get()
    assert record == result.record
    assert (record.actor, record.contractant, record.from_relation, record.to_relation) == (
        supplier_user,
        alpha,
        scenario.old,
        scenario.new,
    )
    assert sorted(record.moved_task_ids) == sorted(task.pk for task in scenario.open_tasks)
    moved_link = TaskLink.history.filter(task_id=scenario.open_tasks[0].pk, history_type="~").get()
    assert moved_link.history_user == supplier_user


def test_a_task_already_linked_to_the_new_relation_gets_no_duplicate(scenario, supplier_user):
    both = TaskFactory(relations=[scenario.old, scenario.new])

    relink_services.relink(from_relation=scenario.old, to_relation=scenario.new, actor=supplier_user)

    assert TaskLink.objects.filter(task=both).count() == 1
    assert linked_relation_ids(both) == {scenario.new.pk}


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("same", "cannot be relinked to itself"),
        ("no_binding", "has no technical setup"),
        ("no_active_subscription", "has no active subscription"),
        ("target_binds_another", "already binds the contractant Beta Bouw"),
    ],
)
def test_refused_relinks_change_nothing(scenario, supplier_user, beta, case, message):
    from_relation, to_relation = scenario.old, scenario.new
    if case == "same":
        to_relation = scenario.old
    elif case == "no_binding":
        from_relation = scenario.third
    elif case == "no_active_subscription":
        to_relation = RelationFactory(name="Zonder abonnement")
        SubscriptionFactory(relation=to_relation, is_active=False)
    elif case == "target_binds_another":
        bind_technical_setup(
            subscription=to_relation.subscriptions.get(), contractant=beta, database="default", actor=supplier_user
        )
    before = snapshot()

    with pytest.raises(ValidationError, match=message):
        relink_services.relink(from_relation=from_relation, to_relation=to_relation, actor=supplier_user)

    assert snapshot() == before


def test_undo_moves_the_binding_and_exactly_the_moved_tasks_back(scenario, supplier_user, alpha):
    result = relink_services.relink(from_relation=scenario.old, to_relation=scenario.new, actor=supplier_user)
    newer = TaskFactory(relations=[scenario.new], subject="Nieuwe melding na omhangen")

    undo = relink_services.relink_undo(record=result.record, actor=supplier_user)

    assert TechnicalSetup.objects.get(contractant=alpha).subscription.relation == scenario.old
    assert undo.moved_task_count == len(scenario.open_tasks)
    for task in scenario.open_tasks:
        assert scenario.old.pk in linked_relation_ids(task)
    assert linked_relation_ids(newer) == {scenario.new.pk}
    assert undo.record.undo_of == result.record
    with pytest.raises(ValidationError, match="already been undone"):
        relink_services.relink_undo(record=result.record, actor=supplier_user)


def test_relink_wizard_previews_then_relinks_and_undoes(scenario, supplier_staff_client):
    supplier_staff_client.post("/i18n/setlang/", {"language": "en"})
    url = f"/relations/{scenario.old.pk}/relink/"

    preview = supplier_staff_client.get(f"{url}?to={scenario.new.pk}").content.decode()
    assert "Alpha Accountants" in preview
    for task in scenario.open_tasks:
        assert task.subject in preview
    assert scenario.closed_task.subject not in preview
    assert TaskLink.objects.filter(relation=scenario.old).count() == len(scenario.open_tasks) + 1

    done = supplier_staff_client.post(url, {"to": scenario.new.pk}, follow=True).content.decode()
    assert "Alpha Accountants is now bound to Jansen Brood &amp; Banket B.V.; 5 open tasks moved with it." in done

    history = supplier_staff_client.get(f"/relations/{scenario.old.pk}/history/").content.decode()
    assert "Undo" in history
    record = RelinkRecord.objects.get()
    undone = supplier_staff_client.post(f"/relations/relinks/{record.pk}/undo/", follow=True).content.decode()
    assert "Relink undone" in undone
    assert TechnicalSetup.objects.get().subscription.relation == scenario.old


def test_wizard_shows_the_refusal_and_offers_no_confirm_button(scenario, supplier_staff_client):
    supplier_staff_client.post("/i18n/setlang/", {"language": "en"})

    page = supplier_staff_client.get(f"/relations/{scenario.third.pk}/relink/?to={scenario.new.pk}").content.decode()

    assert "has no technical setup" in page
    assert "Relink to Jansen" not in page


def test_live_search_lists_other_relations(scenario, supplier_staff_client):
    page = supplier_staff_client.get(f"/relations/picker/?q=jansen&field=to&exclude={scenario.old.pk}").content.decode()

    assert "Jansen Brood &amp; Banket B.V." in page
    assert "Bakkerij Jansen V.O.F." not in page


def test_two_staff_relinking_at_once_one_wins_and_the_other_is_told_why(concurrent_relink_world):
    """Two real transactions on two connections race for the same contractant."""
    world = concurrent_relink_world
    results: dict[str, object] = {}
    barrier = threading.Barrier(2)
    original_move = relink_services.move_tasks

    def slow_move(**kwargs):
        time.sleep(0.5)  # hold the lock long enough for the other to queue behind it
        return original_move(**kwargs)

    def attempt(name, to_relation):
        try:
            connection.set_tenant(world.supplier)
            barrier.wait()
            if name == "first":
                relink_services.move_tasks = slow_move
            else:
                time.sleep(0.1)
            with translation.override("en"):
                results[name] = relink_services.relink(from_relation=world.old, to_relation=to_relation, actor=None)
        except ValidationError as exc:
            results[name] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=attempt, args=("first", world.new)),
        threading.Thread(target=attempt, args=("second", world.other)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    relink_services.move_tasks = original_move

    assert isinstance(results["first"], relink_services.RelinkResult)
    assert isinstance(results["second"], ValidationError)
    assert "Someone else relinked this contractant a moment ago" in results["second"].messages[0]
    assert world.new.name in results["second"].messages[0]
    world.assert_bound_once_to(world.new)


def test_relink_query_count_does_not_grow_with_the_number_of_tasks(supplier_user, alpha, beta):
    from django.test.utils import CaptureQueriesContext

    def relink_with(tasks: int, contractant) -> int:
        old, new = RelationFactory(), RelationFactory()
        SubscriptionFactory(relation=new)
        bind_technical_setup(
            subscription=SubscriptionFactory(relation=old),
            contractant=contractant,
            database="default",
            actor=supplier_user,
        )
        for _ in range(tasks):
            TaskFactory(relations=[old])
        with CaptureQueriesContext(connection) as queries:
            relink_services.relink(from_relation=old, to_relation=new, actor=supplier_user)
        return len(queries)

    assert relink_with(2, alpha) == relink_with(40, beta)


def test_the_history_tab_lists_each_relink_once_with_undo_until_it_is_undone(
    scenario, supplier_user, supplier_staff_client, django_assert_max_num_queries
):
    result = relink_services.relink(from_relation=scenario.old, to_relation=scenario.new, actor=supplier_user)
    history = f"/relations/{scenario.new.pk}/history/"
    supplier_staff_client.cookies["django_language"] = "en"

    page = supplier_staff_client.get(history).content.decode()
    assert "<h2>Relinks</h2>" in page
    assert f'action="/relations/relinks/{result.record.pk}/undo/"' in page

    response = supplier_staff_client.post(f"/relations/relinks/{result.record.pk}/undo/", follow=True)
    assert response.status_code == 200
    # The tab is the relation's whole timeline (issue 18): one query per source on the page.
    with django_assert_max_num_queries(24):
        page = supplier_staff_client.get(history).content.decode()
    # The relink and its undo, in one table; neither can be undone again.
    assert page.count('/undo/"') == 0
    assert '<span class="muted">undone</span>' in page and '<span class="badge">undo</span>' in page
