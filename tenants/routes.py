"""Reversing a route once per process.

Django reverses a route name on every call, about 20 microseconds, and a page draws a dozen
links that never change while the process runs: a list's "new" and search links, a relation's
six tabs (docs/decisions.md, load). Every {% url %} goes through here (tenants/templatetags/
routes.py, a template builtin), and so do the top bar and the task table.
"""

from __future__ import annotations

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# Only plain values are remembered: a model instance could print differently under the same key.
PLAIN_TYPES = (int, str)


@lru_cache(maxsize=4096)
def _reverse(view_name, args: tuple, kwargs: tuple, current_app, urlconf, script_prefix: str, language) -> str:
    # Everything reverse() depends on is in the key: the route and its arguments, the URL conf
    # (the public host has its own), the script prefix, the application namespace, the language.
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app, urlconf=urlconf)


def is_plain(values) -> bool:
    return all(type(value) in PLAIN_TYPES for value in values)


def remembered_reverse(view_name: str, args: tuple = (), kwargs: tuple = (), current_app: str | None = None) -> str:
    """reverse(), remembered. args: plain values; kwargs: (name, plain value) pairs."""
    return _reverse(view_name, args, kwargs, current_app, get_urlconf(), get_script_prefix(), get_language())
