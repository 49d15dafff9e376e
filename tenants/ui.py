"""Small helpers shared by the staff pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Window
from django.utils.http import url_has_allowed_host_and_scheme

PAGE_SIZE = 25


def paginate(request, items, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


class _KnownCountPaginator(Paginator):
    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached_property


def paginate_with_total(request, queryset, per_page: int = PAGE_SIZE) -> Page:
    """Like paginate(), for the busiest lists: the page's rows and the total come from one
    statement (COUNT(*) OVER ()), instead of a COUNT query followed by the rows."""
    try:
        # Capped: an absurd page number must not overflow the database's OFFSET.
        number = min(max(1, int(request.GET.get("page", 1))), 1_000_000)
    except (TypeError, ValueError):
        number = 1
    counted = queryset.annotate(_total=Window(Count("*")))
    rows = list(counted[(number - 1) * per_page : number * per_page])
    if not rows and number > 1:
        # Past the last page (a stale link): show the last page, as get_page() does.
        total = queryset.count()
        number = max(1, -(-total // per_page))
        rows = list(counted[(number - 1) * per_page : number * per_page])
    total = rows[0]._total if rows else 0
    paginator = _KnownCountPaginator(queryset, per_page, total)
    return Page(rows, number, paginator)


def query_without_page(request) -> str:
    """The current filters as a query string, for pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def search_text(value: str | None, max_length: int = 100) -> str:
    """A search term as typed into a live search: NUL bytes (which PostgreSQL refuses in text)
    dropped, surrounding spaces trimmed, length capped."""
    return (value or "").replace("\x00", "").strip()[:max_length]


def safe_next_url(request, value: str | None, *, under: str = "/") -> str:
    """A posted `next` URL when it is a path on this host under `under`, else "".

    Only absolute paths count: `redirect()` would try to reverse anything else as a view
    name, and a URL on another host is an open redirect.
    """
    value = value or ""
    if not value.startswith(under) or "\x00" in value:
        return ""
    return value if url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}) else ""
