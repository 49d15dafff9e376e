"""The mock Client Online's rules and data, without HTTP (the server wraps this).

It refuses what the real one would: a membership to an unknown client or user, deleting a
client that still has members, deleting a user who still has memberships, a duplicate
external id, a second user with an e-mail address another user has (case-insensitively: one
address, one set of credentials), and an idempotency key reused for a different request.
Every user creation writes an entry in the ledger of credential e-mails.

Every refusal carries a machine-readable `code` beside its message: the worker tells "already
done" from "refused" by it, never by the status alone.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

ALREADY_EXISTS = "already_exists"
NOT_FOUND = "not_found"
IN_USE = "in_use"
EMAIL_TAKEN = "email_taken"
IDEMPOTENCY_MISMATCH = "idempotency_key_reused"
INVALID = "invalid"


class Refused(Exception):
    """A 4xx: the request breaks one of Client Online's rules."""

    def __init__(self, status: int, message: str, code: str = INVALID):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


def fingerprint(kind: str, key: list[str], data: dict) -> str:
    """What an idempotency key stands for: the operation, its ids and its data."""
    return hashlib.sha256(json.dumps([kind, list(key), data], sort_keys=True).encode()).hexdigest()


def _email_key(data: dict) -> str:
    return str(data.get("email", "")).strip().casefold()


class ClientOnlineStore:
    def __init__(self, path: Path | None = None):
        self.path = path
        self.lock = threading.RLock()
        self.clients: dict[str, dict] = {}
        self.users: dict[str, dict] = {}
        self.memberships: set[tuple[str, str]] = set()
        self.ledger: list[dict] = []
        # idempotency key -> (fingerprint of the request, its answer)
        self.idempotency: dict[str, tuple[str, dict]] = {}
        # casefolded e-mail -> user id: a uniqueness check per creation that does not scan every user
        self.emails: dict[str, str] = {}
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
                    # A journal written before a rule existed (say, unique e-mail) may hold an
                    # operation the store now refuses: it is left out, as it would be today.
                    continue
                if entry.get("idempotency_key"):
                    request = fingerprint(entry["kind"], entry["key"], entry["data"])
                    self.idempotency[entry["idempotency_key"]] = (request, result)

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
        self.emails.clear()

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
        """Apply one operation once. The same key with the same request answers the first answer
        again; the same key with another request is refused (422), never silently replayed."""
        with self.lock:
            request = fingerprint(kind, key, data)
            if idempotency_key and idempotency_key in self.idempotency:
                first_request, first_answer = self.idempotency[idempotency_key]
                if first_request != request:
                    raise Refused(422, "this Idempotency-Key was used for a different request", IDEMPOTENCY_MISMATCH)
                return first_answer
            result = getattr(self, f"_{kind}")(*key, data=data)
            if idempotency_key:
                self.idempotency[idempotency_key] = (request, result)
            self._journal({"kind": kind, "key": list(key), "data": data, "idempotency_key": idempotency_key})
            return result

    def _create_client(self, client_id: str, data: dict) -> dict:
        if client_id in self.clients:
            raise Refused(409, f"client {client_id} already exists", ALREADY_EXISTS)
        self.clients[client_id] = dict(data)
        return {"client": client_id}

    def _update_client(self, client_id: str, data: dict) -> dict:
        if client_id not in self.clients:
            raise Refused(404, f"unknown client {client_id}", NOT_FOUND)
        self.clients[client_id] = dict(data)
        return {"client": client_id}

    def _delete_client(self, client_id: str, data: dict) -> dict:
        if client_id not in self.clients:
            raise Refused(404, f"unknown client {client_id}", NOT_FOUND)
        if any(client == client_id for _user, client in self.memberships):
            raise Refused(409, f"client {client_id} still has members", IN_USE)
        del self.clients[client_id]
        return {"client": client_id}

    def _check_email(self, user_id: str, data: dict) -> str:
        email = _email_key(data)
        if not email:
            raise Refused(422, "a user needs an e-mail address", INVALID)
        holder = self.emails.get(email)
        if holder is not None and holder != user_id:
            # The other user's id is not named: it may belong to another contractant.
            raise Refused(409, "another user already has this e-mail address", EMAIL_TAKEN)
        return email

    def _create_user(self, user_id: str, data: dict) -> dict:
        if user_id in self.users:
            raise Refused(409, f"user {user_id} already exists", ALREADY_EXISTS)
        self.emails[self._check_email(user_id, data)] = user_id
        self.users[user_id] = dict(data)
        # What the real Client Online does on every user creation, and what we must avoid
        # for people who already have a login.
        self.ledger.append({"user": user_id, "email": data.get("email", ""), "event": "credentials_sent"})
        return {"user": user_id}

    def _update_user(self, user_id: str, data: dict) -> dict:
        if user_id not in self.users:
            raise Refused(404, f"unknown user {user_id}", NOT_FOUND)
        email = self._check_email(user_id, data)
        self.emails.pop(_email_key(self.users[user_id]), None)
        self.emails[email] = user_id
        self.users[user_id] = dict(data)
        return {"user": user_id}

    def _delete_user(self, user_id: str, data: dict) -> dict:
        if user_id not in self.users:
            raise Refused(404, f"unknown user {user_id}", NOT_FOUND)
        if any(user == user_id for user, _client in self.memberships):
            raise Refused(409, f"user {user_id} still has memberships", IN_USE)
        self.emails.pop(_email_key(self.users.pop(user_id)), None)
        return {"user": user_id}

    def _add_membership(self, user_id: str, client_id: str, data: dict) -> dict:
        if user_id not in self.users:
            raise Refused(404, f"unknown user {user_id}", NOT_FOUND)
        if client_id not in self.clients:
            raise Refused(404, f"unknown client {client_id}", NOT_FOUND)
        if (user_id, client_id) in self.memberships:
            raise Refused(409, "membership already exists", ALREADY_EXISTS)
        self.memberships.add((user_id, client_id))
        return {"membership": [user_id, client_id]}

    def _remove_membership(self, user_id: str, client_id: str, data: dict) -> dict:
        if (user_id, client_id) not in self.memberships:
            raise Refused(404, "unknown membership", NOT_FOUND)
        self.memberships.discard((user_id, client_id))
        return {"membership": [user_id, client_id]}
