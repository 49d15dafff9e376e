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


def test_a_failed_membership_removal_holds_back_the_deletion_of_its_user_and_client():
    """Removals go bottom-up also after a refusal: P's user and client B are deleted only once
    the membership (P, B) is gone; the other person's user goes as planned."""
    remote = State(
        clients={"B": attrs(name="B")},
        users={"P": attrs(email="p@test", name="P"), "R": attrs(email="r@test", name="R")},
        memberships=frozenset({("P", "B")}),
    )
    operations = {op.kind: op for op in plan(remote, State(clients={}, users={}, memberships=frozenset()))}
    refused = {("remove_membership", ("P", "B"))}

    assert operations["delete_client"].waits_for(refused)
    assert [op.waits_for(refused) for op in plan(remote, State(clients={}, users={}, memberships=frozenset()))] == [
        False,  # remove_membership (P, B): the refused one itself is skipped by its open failure
        True,  # delete_user P
        False,  # delete_user R
        True,  # delete_client B
    ]
    assert not operations["delete_client"].waits_for({("remove_membership", ("B", "P"))})  # sides matter


def test_a_membership_waits_for_its_user_and_client():
    operation = plan(
        State(clients={}, users={}, memberships=frozenset()),
        State(
            clients={"A": attrs(name="A")},
            users={"P": attrs(email="p@test", name="P")},
            memberships=frozenset({("P", "A")}),
        ),
    )[-1]

    assert operation.kind == "add_membership"
    assert operation.waits_for({("create_user", ("P",))}) and operation.waits_for({("create_client", ("A",))})
    assert not operation.waits_for({("create_user", ("Q",))})
