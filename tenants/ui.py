"""Small helpers shared by the staff pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.utils.http import url_has_allowed_host_and_scheme

PAGE_SIZE = 25


def paginate(request, items, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


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
