"""Dates: Django's own |date with the formats of config/formats (FORMAT_MODULE_PATH), written
one way everywhere: by the name of a format, day-month-year in Dutch and in English alike."""

from __future__ import annotations

import ast
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.utils import formats, translation

BASE_DIR = Path(__file__).resolve().parents[2]
# Formats for machines, not people: an ISO timestamp (<time datetime=...>) and a form value.
MACHINE_FORMATS = {"c", "Y-m-d"}
APP_PACKAGES = ["config", "tenants", "staff", "relations", "contacts", "subscriptions", "tasks", "portal"]
APP_PACKAGES += ["portal_sync", "audit", "demo"]
NAMED_FORMATS = {"DATE_FORMAT", "SHORT_DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"}
DATE_FILTER = re.compile(r"\|date(?::(?P<quote>[\"'])(?P<format>.*?)(?P=quote))?")


def render(source: str, value) -> str:
    return engines["django"].from_string(source).render({"value": value})


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_date_reads_day_month_year_in_every_language(language):
    moment = datetime(2026, 3, 29, 1, 30, 5, tzinfo=UTC)  # 03:30:05 summer time, the night the clocks change

    with translation.override(language):
        assert render('{{ value|date:"SHORT_DATE_FORMAT" }}', date(2026, 1, 9)) == "09-01-2026"
        assert render('{{ value|date:"DATE_FORMAT" }}', date(2026, 1, 9)) == "09-01-2026"
        assert render("{{ value|date }}", date(2026, 1, 9)) == "09-01-2026"
        assert render('{{ value|date:"SHORT_DATETIME_FORMAT" }}', moment) == "29-03-2026 03:30"
        assert render('{{ value|date:"DATETIME_FORMAT" }}', moment) == "29-03-2026 03:30:05"


def test_a_moment_is_shown_in_amsterdam_time():
    with translation.override("nl"):
        rendered = render('{{ value|date:"SHORT_DATETIME_FORMAT" }}', datetime(2026, 12, 31, 23, 30, tzinfo=UTC))

    assert rendered == "01-01-2027 00:30"


def test_no_date_gives_no_text():
    with translation.override("nl"):
        assert render('{{ value|date:"SHORT_DATE_FORMAT" }}', None) == ""


@pytest.mark.parametrize("language", ["nl", "en"])
def test_python_writes_a_date_for_a_message_the_same_way(language):
    with translation.override(language):
        assert formats.date_format(date(2026, 1, 9), "SHORT_DATE_FORMAT") == "09-01-2026"


def test_the_formats_come_from_the_projects_format_modules():
    assert settings.FORMAT_MODULE_PATH == ["config.formats"]


def test_templates_write_a_date_by_the_name_of_a_format():
    """One way to write a date for people: {{ value|date:"SHORT_DATE_FORMAT" }} and the other
    named formats, never a format string of its own."""
    written_out = []
    for path in (BASE_DIR / "templates").rglob("*"):
        if path.suffix not in {".html", ".txt"}:
            continue
        for found in DATE_FILTER.finditer(path.read_text()):
            fmt = found["format"]
            if fmt is not None and fmt not in NAMED_FORMATS | MACHINE_FORMATS:
                written_out.append(f"{path.relative_to(BASE_DIR)}: |date:{found['quote']}{fmt}{found['quote']}")

    assert written_out == []


GETTEXT = {"_", "gettext", "pgettext"}


def test_python_writes_no_date_with_strftime_or_a_format_string_of_its_own():
    """A date in a message: formats.date_format(value, "SHORT_DATE_FORMAT"), the templates' way,
    or a format the translators own (`date_format(value, _("D H:i"))`: each language says how)."""
    found = []
    for app in APP_PACKAGES:
        for path in (BASE_DIR / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                own_format = (
                    name in {"date_format", "time_format"}
                    and len(node.args) > 1
                    and not (isinstance(node.args[1], ast.Constant) and node.args[1].value in NAMED_FORMATS)
                    and not (isinstance(node.args[1], ast.Call) and getattr(node.args[1].func, "id", "") in GETTEXT)
                )
                if name == "strftime" or own_format:
                    found.append(f"{path.relative_to(BASE_DIR)}:{node.lineno}")

    assert found == []
