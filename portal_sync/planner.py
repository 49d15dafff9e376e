"""From the remote state to the desired one in a safe order (seed 003).

Creates go top-down (client, user, membership), removals bottom-up (membership, user,
client), updates anywhere. A user present on both sides is never deleted: Client Online
e-mails fresh credentials on every user creation, and deleting then re-creating a person
who still needs a login is exactly the bug the seed warns about. New memberships are added
before old ones are removed, so a person who moves between clients never has none.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from portal_sync.state import Attributes, State

ORDER = [
    "create_client",
    "create_user",
    "add_membership",
    "update_client",
    "update_user",
    "remove_membership",
    "delete_user",
    "delete_client",
]


@dataclass(frozen=True)
class Operation:
    kind: str
    key: tuple[str, ...]
    data: Attributes = ()

    def idempotency_key(self, run_id: int | str = "") -> str:
        """Same operation, data and run: same key, so a retried request is applied once. A later
        run that needs the same operation again (say, a re-created client) gets a new key."""
        payload = repr((self.kind, self.key, self.data, run_id)).encode()
        # A digest: HTTP headers carry ASCII only, and names do not have to be.
        return f"{self.kind}-{hashlib.sha256(payload).hexdigest()[:32]}"

    def waits_for(self, failed: set[tuple[str, tuple[str, ...]]]) -> bool:
        """Whether an operation this one needs failed (or was skipped) earlier: a membership
        needs its user and client created; a user or client is deleted only after every
        removal of its memberships went through (removals go bottom-up)."""
        if self.kind == "add_membership":
            user, client = self.key
            return ("create_user", (user,)) in failed or ("create_client", (client,)) in failed
        if self.kind in {"delete_user", "delete_client"}:
            side = 0 if self.kind == "delete_user" else 1  # a membership's key is (user, client)
            return any(kind == "remove_membership" and key[side] == self.key[0] for kind, key in failed)
        return False


def plan(remote: State, desired: State) -> list[Operation]:
    operations: list[Operation] = []
    for key in sorted(desired.clients.keys() - remote.clients.keys()):
        operations.append(Operation("create_client", (key,), desired.clients[key]))
    for key in sorted(desired.users.keys() - remote.users.keys()):
        operations.append(Operation("create_user", (key,), desired.users[key]))
    for user, client in sorted(desired.memberships - remote.memberships):
        operations.append(Operation("add_membership", (user, client)))
    for key in sorted(desired.clients.keys() & remote.clients.keys()):
        if desired.clients[key] != remote.clients[key]:
            operations.append(Operation("update_client", (key,), desired.clients[key]))
    for key in sorted(desired.users.keys() & remote.users.keys()):
        if desired.users[key] != remote.users[key]:
            operations.append(Operation("update_user", (key,), desired.users[key]))
    for user, client in sorted(remote.memberships - desired.memberships):
        operations.append(Operation("remove_membership", (user, client)))
    for key in sorted(remote.users.keys() - desired.users.keys()):
        operations.append(Operation("delete_user", (key,)))
    for key in sorted(remote.clients.keys() - desired.clients.keys()):
        operations.append(Operation("delete_client", (key,)))
    return operations
