"""TaskLink.task_open stays right when a link is made while another transaction closes its task:
two real connections, both orders (the relink moves the tasks this flag calls open)."""

from __future__ import annotations

import threading

import psycopg
from django.db import connection

SCHEMA = "race_supplier"


def _connect():
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
    )


def _open_task_and_relation(world) -> tuple[int, int]:
    with _connect() as conn:
        task_id, created = conn.execute(
            f"SELECT t.id, t.created_at FROM {SCHEMA}.tasks_task t JOIN {SCHEMA}.tasks_tasklink l ON l.task_id = t.id "
            "WHERE l.relation_id = %s AND t.status <> 'closed' ORDER BY t.id LIMIT 1",
            [world.old.pk],
        ).fetchone()
    return task_id, world.other.pk


def _link(conn, task_id: int, relation_id: int) -> None:
    conn.execute(
        f"INSERT INTO {SCHEMA}.tasks_tasklink (task_id, relation_id, created_at, task_created_at) "
        f"SELECT id, %s, now(), created_at FROM {SCHEMA}.tasks_task WHERE id = %s",
        [relation_id, task_id],
    )


def _close(conn, task_id: int) -> None:
    conn.execute(
        f"UPDATE {SCHEMA}.tasks_task SET status = 'closed', closed_at = now() WHERE id = %s",
        [task_id],
    )


def _flag(task_id: int, relation_id: int) -> bool:
    with _connect() as conn:
        return conn.execute(
            f"SELECT task_open FROM {SCHEMA}.tasks_tasklink WHERE task_id = %s AND relation_id = %s",
            [task_id, relation_id],
        ).fetchone()[0]


def _second_waits_for_first(first, second) -> None:
    """`first` runs in one transaction and stays open while `second` starts in another (which
    may wait for it); then the first commits, and the second."""
    conn_a, conn_b = _connect(), _connect()
    try:
        first(conn_a)
        started = threading.Event()

        def run_second():
            started.set()
            second(conn_b)
            conn_b.commit()

        thread = threading.Thread(target=run_second)
        thread.start()
        started.wait()
        thread.join(timeout=1)  # it blocks on the first's lock (fixed) or runs through (the race)
        conn_a.commit()
        thread.join(timeout=10)
        assert not thread.is_alive()
    finally:
        conn_a.close()
        conn_b.close()


def test_a_link_made_before_its_task_is_closed_elsewhere_ends_closed(concurrent_relink_world):
    task_id, relation_id = _open_task_and_relation(concurrent_relink_world)

    _second_waits_for_first(lambda conn: _link(conn, task_id, relation_id), lambda conn: _close(conn, task_id))

    assert _flag(task_id, relation_id) is False


def test_a_link_made_while_its_task_is_being_closed_ends_closed(concurrent_relink_world):
    task_id, relation_id = _open_task_and_relation(concurrent_relink_world)

    _second_waits_for_first(lambda conn: _close(conn, task_id), lambda conn: _link(conn, task_id, relation_id))

    assert _flag(task_id, relation_id) is False
