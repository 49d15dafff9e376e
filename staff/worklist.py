"""The staff home page as a work list: what waits for the person looking, as counts that link
to the list that shows it. The apps that own the work add their items (a provider registered
in their AppConfig.ready), so the shell imports none of them (STYLE 16)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise


@dataclass(frozen=True)
class WorkContext:
    user: object
    # When this person last looked at the work list (the previous visit; their login time on
    # the first), for "since you last looked" items.
    since: datetime | None


@dataclass(frozen=True)
class WorkItem:
    label: str | Promise
    count: int
    url: str
    # "" (plain), "warn" or "bad": how the count is coloured when it is not zero.
    tone: str = ""
    order: int = 100


WorkProvider = Callable[[WorkContext], list[WorkItem]]
_providers: list[WorkProvider] = []


def register_work(provider: WorkProvider) -> WorkProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def work_items(context: WorkContext) -> list[WorkItem]:
    items = [item for provider in _providers for item in provider(context)]
    return sorted(items, key=lambda item: item.order)
