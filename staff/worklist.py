"""The staff home page as a work list: what waits for the person looking, as counts that link
to the list that shows it. The apps that own the work add their items (a provider registered
in their AppConfig.ready), so the shell imports none of them (STYLE 16). They add small charts
the same way, as panels (`home_panels`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import IntegerField, QuerySet, Subquery
from django.utils.functional import Promise

from staff.panels import PanelRegistry


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
    # The count stopped at its cap: there are more than `count` (shown "1000+").
    capped: bool = False


WorkProvider = Callable[[WorkContext], list[WorkItem]]
_providers: list[WorkProvider] = []


def register_work(provider: WorkProvider) -> WorkProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def work_items(context: WorkContext) -> list[WorkItem]:
    items = [item for provider in _providers for item in provider(context)]
    return sorted(items, key=lambda item: item.order)


# Charts and other blocks under the counts: a provider takes the WorkContext and returns a
# Panel (staff.panels) or None; the home page includes each panel's template with its data.
home_panels = PanelRegistry("home")


class CappedCount(Subquery):
    """count(*) of a queryset read with a LIMIT: `capped_count(qs, cap)` counts at most cap + 1
    rows, so a count on the home page costs the same with a thousand rows or a million."""

    template = "(SELECT count(*) FROM (%(subquery)s) AS capped)"
    output_field = IntegerField()


def capped_count(queryset: QuerySet, cap: int) -> CappedCount:
    return CappedCount(queryset.order_by().values("pk")[: cap + 1])


def capped_item(label: str | Promise, count: int, url: str, *, cap: int, tone: str = "", order: int = 100) -> WorkItem:
    """A work item from a capped_count: more than `cap` shows as "cap+"."""
    return WorkItem(label, min(count, cap), url, tone=tone, order=order, capped=count > cap)
