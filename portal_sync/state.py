"""The Client Online state, local (desired) or remote (acknowledged): plain, hashable data.

Identity is a stable external id: the relation's `code` for a client, the contact's `code`
for a user (one user per person, never per link).
"""

from __future__ import annotations

from dataclasses import dataclass, field

Attributes = tuple[tuple[str, str], ...]


def attrs(**values: str) -> Attributes:
    return tuple(sorted((key, str(value)) for key, value in values.items()))


@dataclass(frozen=True)
class State:
    clients: dict[str, Attributes] = field(default_factory=dict)
    users: dict[str, Attributes] = field(default_factory=dict)
    memberships: frozenset[tuple[str, str]] = frozenset()  # (user id, client id)

    def summary(self) -> dict[str, int]:
        return {"clients": len(self.clients), "users": len(self.users), "memberships": len(self.memberships)}
