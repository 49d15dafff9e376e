"""The mock Client Online's rules and data, without HTTP (the server wraps this).

It refuses what the real one would: a membership to an unknown client or user, deleting a
client that still has members, deleting a user who still has memberships, a duplicate
external id. Every user creation writes an entry in the ledger of credential e-mails.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path


class Refused(Exception):
    """A 4xx: the request breaks one of Client Online's rules."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class ClientOnlineStore:
    def __init__(self, path: Path | None = None):
        self.path = path
        self.lock = threading.RLock()
        self.clients: dict[str, dict] = {}
        self.users: dict[str, dict] = {}
        self.memberships: set[tuple[str, str]] = set()
        self.ledger: list[dict] = []
        self.idempotency: dict[str, dict] = {}
        if path is not None and path.exists():
            self._load()

    # --- persistence: an append-only journal of applied operations, replayed at start ----
    # (rewriting one JSON file per request made ingest quadratic in the store's size)
    def _load(self) -> None:
        with self.path.open() as journal:
            for line in journal:
                if not line.strip():
                    continue
                entry = json.loads(line)
                if entry.get("reset"):
                    self._clear()
                    continue
                try:
                    result = getattr(self, f"_{entry['kind']}")(*entry["key"], data=entry["data"])
                except Refused:
                    continue
                if entry.get("idempotency_key"):
                    self.idempotency[entry["idempotency_key"]] = result

    def _journal(self, entry: dict) -> None:
        if self.path is None:
            return
        with self.path.open("a") as journal:
            journal.write(json.dumps(entry) + "\n")

    def _clear(self) -> None:
        self.clients.clear()
        self.users.clear()
        self.memberships.clear()
        self.ledger.clear()
        self.idempotency.clear()

    def reset(self) -> None:
        with self.lock:
            self._clear()
            self._journal({"reset": True})

    def snapshot(self) -> dict:
        return {
            "clients": self.clients,
            "users": self.users,
            "memberships": sorted(list(item) for item in self.memberships),
            "ledger": self.ledger,
        }

    # --- operations -----------------------------------------------------------------------
    def apply(self, kind: str, key: list[str], data: dict, idempotency_key: str | None = None) -> dict:
        with self.lock:
            if idempotency_key and idempotency_key in self.idempotency:
                return self.idempotency[idempotency_key]
            result = getattr(self, f"_{kind}")(*key, data=data)
            if idempotency_key:
                self.idempotency[idempotency_key] = result
            self._journal({"kind": kind, "key": list(key), "data": data, "idempotency_key": idempotency_key})
            return result

    def _create_client(self, client_id: str, data: dict) -> dict:
        if client_id in self.clients:
            raise Refused(409, f"client {client_id} already exists")
        self.clients[client_id] = dict(data)
        return {"client": client_id}

    def _update_client(self, client_id: str, data: dict) -> dict:
        if client_id not in self.clients:
            raise Refused(404, f"unknown client {client_id}")
        self.clients[client_id] = dict(data)
        return {"client": client_id}

    def _delete_client(self, client_id: str, data: dict) -> dict:
        if client_id not in self.clients:
            raise Refused(404, f"unknown client {client_id}")
        if any(client == client_id for _user, client in self.memberships):
            raise Refused(409, f"client {client_id} still has members")
        del self.clients[client_id]
        return {"client": client_id}

    def _create_user(self, user_id: str, data: dict) -> dict:
        if user_id in self.users:
            raise Refused(409, f"user {user_id} already exists")
        self.users[user_id] = dict(data)
        # What the real Client Online does on every user creation, and what we must avoid
        # for people who already have a login.
        self.ledger.append({"user": user_id, "email": data.get("email", ""), "event": "credentials_sent"})
        return {"user": user_id}

    def _update_user(self, user_id: str, data: dict) -> dict:
        if user_id not in self.users:
            raise Refused(404, f"unknown user {user_id}")
        self.users[user_id] = dict(data)
        return {"user": user_id}

    def _delete_user(self, user_id: str, data: dict) -> dict:
        if user_id not in self.users:
            raise Refused(404, f"unknown user {user_id}")
        if any(user == user_id for user, _client in self.memberships):
            raise Refused(409, f"user {user_id} still has memberships")
        del self.users[user_id]
        return {"user": user_id}

    def _add_membership(self, user_id: str, client_id: str, data: dict) -> dict:
        if user_id not in self.users:
            raise Refused(404, f"unknown user {user_id}")
        if client_id not in self.clients:
            raise Refused(404, f"unknown client {client_id}")
        if (user_id, client_id) in self.memberships:
            raise Refused(409, "membership already exists")
        self.memberships.add((user_id, client_id))
        return {"membership": [user_id, client_id]}

    def _remove_membership(self, user_id: str, client_id: str, data: dict) -> dict:
        if (user_id, client_id) not in self.memberships:
            raise Refused(404, "unknown membership")
        self.memberships.discard((user_id, client_id))
        return {"membership": [user_id, client_id]}
