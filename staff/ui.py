"""Small helpers shared by the staff pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme

PAGE_SIZE = 25
# The largest ?page= number any list reads: an absurd one must not overflow the database's OFFSET.
MAX_PAGE = 1_000_000


def page_number(request) -> int:
    """The ?page= number of every list: a plain ASCII positive integer ("7", "007"), capped at
    MAX_PAGE; 1 for anything else ("", "0", "-1", "abc", "²", "٣", " 2", "+2", "1_0")."""
    value = request.GET.get("page", "").lstrip("0")
    if not (value.isascii() and value.isdigit()):
        return 1
    # Longer than MAX_PAGE is past it, and int() never sees thousands of digits.
    return MAX_PAGE if len(value) > len(str(MAX_PAGE)) else min(int(value), MAX_PAGE)


# Every id here is a PostgreSQL bigint.
MAX_ID = 2**63 - 1


def parse_id(value: str | None) -> int | None:
    """A posted or queried id as an int: plain ASCII digits naming a bigint; None for anything
    else ("", "abc", "-1", "²", "٣", or thousands of digits, which int() would refuse)."""
    value = value or ""
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(MAX_ID)):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def staff_name(user) -> str:
    """How a staff member is shown everywhere (lists, notifications, pickers): their name,
    else their e-mail address, else their login; "" for nobody."""
    if user is None:
        return ""
    return " ".join(part for part in [user.first_name, user.last_name] if part) or user.email or user.get_username()


def paginate(request, items, per_page: int = PAGE_SIZE) -> Page:
    """The requested page of a list (page_number); past the last page, the last page."""
    return Paginator(items, per_page).get_page(page_number(request))


# A list counts its rows up to this many; past it, it says "more than 10.000" (CappedPaginator).
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A Paginator that counts at most `cap` + 1 rows (`SELECT count(*) FROM (... LIMIT cap + 1)`),
    so a list's total costs the same over a million rows as over ten thousand. `capped` says
    the list holds more than `cap`: its pages stop there, and the page says to narrow the
    filters instead of paging through them."""

    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        # Read when the list is drawn (not when this module loads), so a test can lower it.
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def count(self) -> int:
        if not hasattr(self.object_list, "order_by"):
            return len(self.object_list)
        # Unordered: which rows fill the LIMIT does not matter to a count.
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def capped_page(request, items, per_page: int = PAGE_SIZE, cap: int | None = None) -> Page:
    """paginate() for a list that can grow without bound: the total is capped (CappedPaginator)."""
    return CappedPaginator(items, per_page, cap=cap).get_page(page_number(request))


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


def previous_visit(request, key: str):
    """When this page was last shown in this session (the login time on the first visit), and
    remember now: the "since you last looked" of the work lists."""
    previous = request.session.get(key)
    request.session[key] = timezone.now().isoformat()
    return parse_datetime(previous) if previous else request.user.last_login
