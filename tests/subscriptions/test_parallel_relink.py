"""20 staff relinking one contractant at the same moment, from 20 separate processes:
exactly one binding, every open task on exactly one relation, every loser told why."""

from __future__ import annotations

import multiprocessing
import os

from django.db import connection

WORKERS = 20


def attempt(args):
    """Runs in a child process: a fresh connection, the supplier's schema, one relink."""
    schema_name, from_pk, to_pk, barrier = args
    import django
    from django.db import connections

    connections.close_all()
    django.setup()
    from django.core.exceptions import ValidationError
    from django.db import connection as child_connection

    from relations.models import Relation
    from subscriptions.relink import relink
    from tenants.models import Contractant

    child_connection.set_tenant(Contractant.objects.get(schema_name=schema_name))
    from_relation, to_relation = Relation.objects.get(pk=from_pk), Relation.objects.get(pk=to_pk)
    from django.utils import translation

    translation.activate("en")
    barrier.wait()
    try:
        result = relink(from_relation=from_relation, to_relation=to_relation, actor=None)
    except ValidationError as exc:
        return ("refused", exc.messages[0])
    finally:
        connections.close_all()
    return ("won", result.moved_task_count)


def test_twenty_parallel_relinks_one_wins_everyone_else_is_told(concurrent_relink_world):
    world = concurrent_relink_world
    targets = [world.new, world.other]
    context = multiprocessing.get_context("fork")
    connection.close()  # children must not share the parent's socket
    with context.Manager() as manager:
        barrier = manager.Barrier(WORKERS)
        jobs = [(world.supplier.schema_name, world.old.pk, targets[n % 2].pk, barrier) for n in range(WORKERS)]
        with context.Pool(WORKERS) as pool:
            outcomes = pool.map(attempt, jobs)

    winners = [outcome for outcome in outcomes if outcome[0] == "won"]
    losers = [outcome for outcome in outcomes if outcome[0] == "refused"]
    assert len(winners) == 1 and len(losers) == WORKERS - 1
    assert all(message for _kind, message in losers)
    messages = sorted({message for _kind, message in losers})
    assert all("Someone else relinked" in message or "has no technical setup" in message for message in messages), (
        messages
    )
    from subscriptions.models import RelinkRecord

    connection.set_tenant(world.supplier)
    winner_target = RelinkRecord.objects.get().to_relation
    world.assert_bound_once_to(winner_target)
    assert os.getpid()  # the parent's connection still works afterwards
