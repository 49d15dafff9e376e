"""The erased person's Client Online user goes through the sync, in the planner's safe order
(memberships, then the user), against the real mock Client Online process."""

from __future__ import annotations

from portal_sync.client import ClientOnlineClient
from portal_sync.desired import external_id
from portal_sync.services import run_sync
from privacy.services import erase_person


class RecordingClient(ClientOnlineClient):
    """The real client, noting the order of what it pushes."""

    def __init__(self):
        super().__init__()
        self.pushed: list[tuple[str, tuple]] = []

    def push(self, operation, idempotency_key):
        self.pushed.append((operation.kind, operation.key))
        return super().push(operation, idempotency_key)


def test_erase_removes_the_client_online_user_after_its_memberships(supplier_user, world, mock_client_online):
    run_sync()
    eva_id, otto_id = external_id(world.eva), external_id(world.otto)
    assert eva_id in mock_client_online.state()["users"]
    ledger = mock_client_online.ledger()

    erase_person(contact=world.eva, actor=supplier_user)
    client = RecordingClient()
    try:
        run = run_sync(client=client)
    finally:
        client.close()

    assert run.status == "done"
    state = mock_client_online.state()
    assert eva_id not in state["users"]
    assert not [m for m in state["memberships"] if m[0] == eva_id]
    assert otto_id in state["users"]  # the colleague keeps his login, and gets no new credentials
    assert mock_client_online.ledger() == ledger
    kinds = [kind for kind, key in client.pushed if key[0] == eva_id]
    assert kinds.count("remove_membership") == 2 and kinds[-1] == "delete_user"
