"""Property tests of the planner against the mock's own rules (no database needed).

For random remote and desired states: applying the plan to a Client Online holding the
remote state is never refused, ends in exactly the desired state, and never creates a
second user for a person who had one and still needs one.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from portal_sync.mock.store import ClientOnlineStore
from portal_sync.planner import ORDER, plan
from portal_sync.state import State, attrs

CLIENT_IDS = [f"c{n}" for n in range(8)]
USER_IDS = [f"u{n}" for n in range(8)]


@st.composite
def states(draw) -> State:
    clients = {
        key: attrs(name=draw(st.sampled_from(["Bakkerij", "Bouw", "Zorg"])))
        for key in draw(st.sets(st.sampled_from(CLIENT_IDS)))
    }
    users = {
        key: attrs(email=f"{key}@test", name=draw(st.sampled_from(["Anna", "Jan", "Q"])))
        for key in draw(st.sets(st.sampled_from(USER_IDS)))
    }
    possible = [(user, client) for user in sorted(users) for client in sorted(clients)]
    memberships = frozenset(draw(st.sets(st.sampled_from(possible)))) if possible else frozenset()
    return State(clients=clients, users=users, memberships=memberships)


def store_holding(state: State) -> ClientOnlineStore:
    store = ClientOnlineStore()
    for key, data in state.clients.items():
        store.apply("create_client", [key], dict(data))
    for key, data in state.users.items():
        store.apply("create_user", [key], dict(data))
    for user, client in state.memberships:
        store.apply("add_membership", [user, client], {})
    store.ledger.clear()
    return store


def state_of(store: ClientOnlineStore) -> State:
    return State(
        clients={key: attrs(**data) for key, data in store.clients.items()},
        users={key: attrs(**data) for key, data in store.users.items()},
        memberships=frozenset(store.memberships),
    )


@settings(max_examples=300, deadline=None)
@given(remote=states(), desired=states())
def test_applying_the_plan_reaches_exactly_the_desired_state_without_refusals(remote, desired):
    store = store_holding(remote)

    for operation in plan(remote, desired):
        store.apply(operation.kind, list(operation.key), dict(operation.data), operation.idempotency_key(1))

    assert state_of(store) == desired


@settings(max_examples=300, deadline=None)
@given(remote=states(), desired=states())
def test_a_person_who_keeps_a_login_never_gets_new_credentials(remote, desired):
    store = store_holding(remote)

    for operation in plan(remote, desired):
        store.apply(operation.kind, list(operation.key), dict(operation.data))

    credentials_sent_to = [entry["user"] for entry in store.ledger]
    assert not set(credentials_sent_to) & (remote.users.keys() & desired.users.keys())
    assert sorted(credentials_sent_to) == sorted(desired.users.keys() - remote.users.keys())


@given(remote=states(), desired=states())
def test_operations_come_in_the_safe_order(remote, desired):
    kinds = [operation.kind for operation in plan(remote, desired)]

    assert kinds == sorted(kinds, key=ORDER.index)


@given(state=states())
def test_nothing_to_do_when_remote_equals_desired(state):
    assert plan(state, state) == []


def test_seed_003_removal_order_keeps_the_login_of_a_person_who_still_needs_it():
    """Q leaves company B but keeps A and a private client: Q's user must survive."""
    remote = State(
        clients={"A": attrs(name="A"), "B": attrs(name="B"), "Q-private": attrs(name="Q")},
        users={"Q": attrs(email="q@test", name="Q")},
        memberships=frozenset({("Q", "A"), ("Q", "B"), ("Q", "Q-private")}),
    )
    desired = State(
        clients={"A": attrs(name="A"), "Q-private": attrs(name="Q")},
        users={"Q": attrs(email="q@test", name="Q")},
        memberships=frozenset({("Q", "A"), ("Q", "Q-private")}),
    )

    operations = plan(remote, desired)

    assert [(op.kind, op.key) for op in operations] == [
        ("remove_membership", ("Q", "B")),
        ("delete_client", ("B",)),
    ]
