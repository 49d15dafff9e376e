"""`@name` in an internal note: which staff members it names.

A handle matches a staff member by the local part of their e-mail ("@karin.devries" for
karin.devries@…) or by first name ("@karin"), ignoring case. A first name names someone only
when exactly one active staff member has it: "@jan" with two Jans notifies neither, rather
than the wrong one (the e-mail's local part always names one person)."""

from __future__ import annotations

import re

from django.db.models import Q

from staff.teams import active_staff

# "@" not preceded by a word character, so an e-mail address in the text (info@bakkerij.nl) is
# not a mention; a handle ends before trailing dots ("@karin." at the end of a sentence).
MENTION_RE = re.compile(r"(?<![\w@.])@([\w][\w.+-]*[\w]|[\w])")
# More handles than a note plausibly names are ignored: one query, bounded.
MAX_HANDLES = 20


def handles_in(body: str) -> list[str]:
    seen: list[str] = []
    for match in MENTION_RE.finditer(body or ""):
        handle = match.group(1).lower()
        if handle not in seen:
            seen.append(handle)
        if len(seen) == MAX_HANDLES:
            break
    return seen


def mentioned_staff(body: str, *, author=None) -> list:
    """The active staff members the text mentions, each once; never its author."""
    handles = handles_in(body)
    if not handles:
        return []
    condition = Q()
    for handle in handles:
        condition |= Q(email__istartswith=f"{handle}@") | Q(first_name__iexact=handle)
    candidates = list(active_staff().filter(condition))
    chosen: dict[int, object] = {}
    for handle in handles:
        by_email = [user for user in candidates if user.email.lower().partition("@")[0] == handle]
        by_name = [user for user in candidates if user.first_name.strip().lower() == handle]
        for user in by_email or (by_name if len(by_name) == 1 else []):
            chosen.setdefault(user.pk, user)
    author_pk = getattr(author, "pk", None)
    return [user for pk, user in chosen.items() if pk != author_pk]
