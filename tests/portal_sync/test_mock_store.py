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


def test_a_second_user_with_the_same_email_in_other_case_is_refused_and_gets_no_credentials():
    store = ClientOnlineStore()
    store.apply("create_user", ["supplier.P"], {"email": "piet@seed.test", "name": "Piet"})

    with pytest.raises(Refused) as refused:
        store.apply("create_user", ["alpha.P"], {"email": " Piet@Seed.TEST", "name": "Piet"})

    assert (refused.value.status, refused.value.code) == (409, "email_taken")
    assert "supplier.P" not in refused.value.message  # the holder may be another contractant's
    assert list(store.users) == ["supplier.P"] and len(store.ledger) == 1


def test_an_email_is_free_again_once_its_user_changed_address_or_left():
    store = ClientOnlineStore()
    store.apply("create_user", ["P"], {"email": "p@test", "name": "P"})
    store.apply("create_user", ["Q"], {"email": "q@test", "name": "Q"})

    with pytest.raises(Refused) as refused:
        store.apply("update_user", ["Q"], {"email": "P@test", "name": "Q"})
    assert refused.value.code == "email_taken"
    store.apply("update_user", ["P"], {"email": "P@TEST", "name": "P renamed"})  # its own address
    store.apply("update_user", ["P"], {"email": "p2@test", "name": "P"})
    store.apply("update_user", ["Q"], {"email": "p@test", "name": "Q"})
    store.apply("delete_user", ["Q"], {})
    store.apply("create_user", ["R"], {"email": "p@test", "name": "R"})

    assert {key: data["email"] for key, data in store.users.items()} == {"P": "p2@test", "R": "p@test"}


def test_a_user_without_an_email_is_refused():
    with pytest.raises(Refused) as refused:
        ClientOnlineStore().apply("create_user", ["P"], {"name": "P"})

    assert refused.value.status == 422


def test_an_idempotency_key_reused_for_another_request_is_refused_also_after_a_restart(tmp_path):
    store = ClientOnlineStore(tmp_path / "store.json")
    first = store.apply("create_client", ["A"], {"name": "A"}, idempotency_key="k1")

    assert store.apply("create_client", ["A"], {"name": "A"}, idempotency_key="k1") == first
    restarted = ClientOnlineStore(tmp_path / "store.json")
    for kind, key, data in [
        ("create_client", ["A"], {"name": "A renamed"}),
        ("create_client", ["B"], {"name": "A"}),
        ("update_client", ["A"], {"name": "A"}),
    ]:
        with pytest.raises(Refused) as refused:
            restarted.apply(kind, key, data, idempotency_key="k1")
        assert (refused.value.status, refused.value.code) == (422, "idempotency_key_reused")
    assert restarted.clients == {"A": {"name": "A"}}


def test_a_journal_from_before_unique_email_loads_without_the_duplicate(tmp_path):
    import json

    path = tmp_path / "store.json"
    entries = [
        {"kind": "create_user", "key": ["P"], "data": {"email": "p@test"}, "idempotency_key": None},
        {"kind": "create_user", "key": ["Q"], "data": {"email": "P@test"}, "idempotency_key": None},
    ]
    path.write_text("".join(json.dumps(entry) + "\n" for entry in entries))

    assert list(ClientOnlineStore(path).users) == ["P"]
