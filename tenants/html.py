"""Markup built in Python for the parts every page or list draws (the page shell in
tenants/templatetags/staff_shell.py, the task table in tasks/templatetags/task_rows.py): the
template engine spent more time on their few dozen tags than the page spent on its own content
(bench/load.py, docs/decisions.md 2026-12-01). The markup is what the templates gave. Every
value goes through text() exactly once."""

from __future__ import annotations

from html import escape


def text(value) -> str:
    """The value as HTML text, escaped: the standard library's html.escape, which is what
    django.utils.html.escape does without its lazy-string wrapper (dearer than the escaping)."""
    return escape(str(value))
