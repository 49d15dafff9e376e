"""Markup lives in templates, escaped by Django's autoescape: no application module builds HTML
in an f-string or marks text safe itself."""

from __future__ import annotations

import ast
import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
APP_PACKAGES = [
    "tenants",
    "staff",
    "relations",
    "contacts",
    "subscriptions",
    "tasks",
    "portal",
    "portal_sync",
    "mailin",
    "audit",
    "demo",
    "notifications",
    "mfa",
    "privacy",
    "config",
]
# Not application code: the mock Client Online (python -m portal_sync.mock.server) stands in for
# an outside system in development and tests; it runs without Django, its inspection page drawn
# with the standard library's html.escape.
NOT_APPLICATION = ("portal_sync/mock/",)
# A tag or an entity: "<a ", "</td>", "<br>", "&amp;".
MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9-]*(\s|>|/|$)|&[a-zA-Z]+;|&#")
SAFE_MARKERS = {"mark_safe", "SafeString", "SafeText"}
# Where marking text safe is right, and why.
ALLOWED_SAFE_MARKERS = {
    # |sentence removes one full stop from the text it is given and keeps it as safe as it came.
    "staff/templatetags/texts.py": "the sentence filter hands back escaped text still marked safe",
}


def _modules():
    for package in APP_PACKAGES:
        for path in sorted((BASE_DIR / package).rglob("*.py")):
            where = str(path.relative_to(BASE_DIR))
            if "migrations" not in path.parts and not where.startswith(NOT_APPLICATION):
                yield where, ast.parse(path.read_text(), str(path))


def _fstring_text(node: ast.JoinedStr) -> str:
    return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)


def test_no_application_module_builds_html_in_an_f_string():
    found = [
        f"{where}:{node.lineno}: {_fstring_text(node)[:60]!r}"
        for where, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr) and MARKUP.search(_fstring_text(node))
    ]

    assert found == []


def _names(node) -> set[str]:
    """The names a node imports or refers to."""
    if isinstance(node, ast.ImportFrom | ast.Import):
        return {alias.name.rsplit(".", 1)[-1] for alias in node.names}
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.Attribute):
        return {node.attr}
    return set()


def test_no_application_module_marks_text_safe():
    found = [
        f"{where}:{node.lineno}: {sorted(_names(node) & SAFE_MARKERS)}"
        for where, tree in _modules()
        if where not in ALLOWED_SAFE_MARKERS
        for node in ast.walk(tree)
        if _names(node) & SAFE_MARKERS
    ]

    assert found == []


def test_the_check_itself_finds_markup_and_safe_marking():
    tree = ast.parse("from django.utils.safestring import mark_safe\nf'<td class=\"x\">{value}</td>'")
    fstrings = [node for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)]

    assert MARKUP.search(_fstring_text(fstrings[0]))
    assert not MARKUP.search("{count} < {limit}")
    assert any(_names(node) & SAFE_MARKERS for node in ast.walk(tree))
