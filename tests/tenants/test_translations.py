"""Every text the code marks for translation has its Dutch translation in locale/nl.

A string makemessages cannot find (a gettext call inside an f-string, or on a variable) or one
nobody translated shows English on a Dutch page.
GNU gettext is not needed: Python files are read with ast, templates with Django's templatize
(what makemessages itself runs on them).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
from django.utils.translation.template import templatize

BASE_DIR = Path(__file__).resolve().parents[2]
APP_DIRS = [
    "config",
    "tenants",
    "staff",
    "relations",
    "subscriptions",
    "contacts",
    "tasks",
    "portal",
    "portal_sync",
    "mailin",
    "audit",
    "demo",
    "notifications",
    "privacy",
    "mfa",
]
SINGULAR = {"gettext", "gettext_lazy", "gettext_noop", "_", "ngettext", "ngettext_lazy"}
WITH_CONTEXT = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
PLURAL = {"ngettext", "ngettext_lazy", "npgettext", "npgettext_lazy"}
# Where gettext() of a variable is right, and why: its texts are marked where they are written.
VARIABLE_TEXTS = {"audit/services.py": "summaries arrive marked with gettext_noop by the services that log them"}
TEMPLATE_CALL = re.compile(r"\b(n?p?gettext)\((.*?)\)\s", re.S)


def _name(func) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def python_msgids() -> tuple[set[str], list[str]]:
    found, problems = set(), []
    for app in APP_DIRS:
        for path in (BASE_DIR / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), str(path))
            in_fstring = {id(node) for f in ast.walk(tree) if isinstance(f, ast.JoinedStr) for node in ast.walk(f)}
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or _name(node.func) not in SINGULAR | WITH_CONTEXT:
                    continue
                where = f"{path.relative_to(BASE_DIR)}:{node.lineno}"
                args = node.args[1:] if _name(node.func) in WITH_CONTEXT else node.args
                texts = args[:2] if _name(node.func) in PLURAL else args[:1]
                if id(node) in in_fstring:
                    problems.append(f"{where}: {_name(node.func)}() inside an f-string")
                elif not texts or not all(isinstance(t, ast.Constant) and isinstance(t.value, str) for t in texts):
                    if str(path.relative_to(BASE_DIR)) in VARIABLE_TEXTS:
                        continue
                    problems.append(f"{where}: {_name(node.func)}() of something other than a literal")
                else:
                    found.update(t.value for t in texts)
    return found, problems


def template_msgids() -> set[str]:
    found = set()
    for path in (BASE_DIR / "templates").rglob("*"):
        if path.suffix not in {".html", ".txt"}:
            continue
        for function, arguments in TEMPLATE_CALL.findall(templatize(path.read_text(), origin=str(path))):
            literals = [ast.literal_eval(a.strip()) for a in re.findall(r"u?'(?:[^'\\]|\\.)*'", arguments)]
            if function.startswith(("p", "np")):
                literals = literals[1:]
            found.update(literals[:2] if function.startswith(("n", "np")) else literals[:1])
    return found


def dutch_catalog() -> dict[str, polib.POEntry]:
    return {entry.msgid: entry for entry in polib.pofile(str(BASE_DIR / "locale/nl/LC_MESSAGES/django.po"))}


def test_every_gettext_call_in_python_is_one_makemessages_can_read():
    _found, problems = python_msgids()

    assert problems == []


def test_every_marked_text_has_a_dutch_translation():
    python, _problems = python_msgids()
    catalog = dutch_catalog()
    plural_ids = {entry.msgid_plural for entry in catalog.values() if entry.msgid_plural}

    missing = sorted(text for text in python | template_msgids() if text not in catalog and text not in plural_ids)
    untranslated = sorted(msgid for msgid, entry in catalog.items() if not entry.obsolete and not entry.translated())

    assert missing == []
    assert untranslated == []
