"""Who hears of committed events. The outbox imports no app above it: a surface that wants
events (webhooks) registers a listener in its AppConfig.ready."""

from __future__ import annotations

from collections.abc import Callable

# listener(schema_name, event_id), called after commit.
Listener = Callable[[str, int], None]
_listeners: list[Listener] = []


def register_listener(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def listeners() -> list[Listener]:
    return list(_listeners)
