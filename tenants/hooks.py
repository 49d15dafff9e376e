"""What a contractant's domain apps tell the surfaces above them, without importing them.

Domain apps (relations, contacts, ...) call `data_changed()` inside the transaction of a write
that Client Online must follow; `portal_sync` registers the handler that writes the outbox row
and queues the sync (portal_sync/apps.py). Dependencies point one way (STYLE 16): tenants ←
domain apps ← surfaces.
"""

from __future__ import annotations

from collections.abc import Callable

_data_changed_handlers: list[Callable[[], None]] = []


def on_data_changed(handler: Callable[[], None]) -> Callable[[], None]:
    """Register a handler (once, however often AppConfig.ready runs)."""
    if handler not in _data_changed_handlers:
        _data_changed_handlers.append(handler)
    return handler


def data_changed() -> None:
    """Relations, contacts or links of the current contractant changed (call inside the write's
    transaction, so the handlers' own writes commit or roll back with it)."""
    for handler in _data_changed_handlers:
        handler()
