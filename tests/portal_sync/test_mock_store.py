"""The mock Client Online's own rules and its persistent store."""

from __future__ import annotations

import pytest

from portal_sync.mock.store import ClientOnlineStore, Refused


def test_the_store_survives_a_restart(tmp_path):
    path = tmp_path / "store.json"
    store = ClientOnlineStore(path)
    store.apply("create_client", ["A"], {"name": "A"})
    store.apply("create_user", ["P"], {"email": "p@test", "name": "P"}, idempotency_key="k1")
    store.apply("add_membership", ["P", "A"], {})

    restarted = ClientOnlineStore(path)

    assert restarted.snapshot() == store.snapshot()
    # The idempotency key is remembered too: a retried request after the restart is a no-op.
    restarted.apply("create_user", ["P"], {"email": "p@test", "name": "P"}, idempotency_key="k1")
    assert len(restarted.ledger) == 1


@pytest.mark.parametrize(
    ("kind", "key", "status"),
    [
        ("add_membership", ["P", "unknown"], 404),
        ("add_membership", ["unknown", "A"], 404),
        ("delete_client", ["A"], 409),
        ("delete_user", ["P"], 409),
        ("create_client", ["A"], 409),
        ("create_user", ["P"], 409),
    ],
)
def test_it_refuses_what_the_real_one_would(kind, key, status):
    store = ClientOnlineStore()
    store.apply("create_client", ["A"], {"name": "A"})
    store.apply("create_user", ["P"], {"email": "p@test", "name": "P"})
    store.apply("add_membership", ["P", "A"], {})

    with pytest.raises(Refused) as refused:
        store.apply(kind, key, {"name": "x"})

    assert refused.value.status == status
    assert store.memberships == {("P", "A")} and len(store.ledger) == 1
