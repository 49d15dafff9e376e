"""|date (tenants/templatetags/dates.py) writes what Django's own |date writes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.template import engines
from django.template.defaultfilters import date as django_date
from django.utils import timezone, translation

VALUES = [
    datetime(2026, 3, 29, 0, 30, 5, tzinfo=UTC),  # 02:30:05 in Amsterdam, the night the clocks change
    datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),  # already next year in Amsterdam
    datetime(987, 1, 2, 3, 4, 5),  # naive, a year of three digits
    date(2026, 1, 9),
    None,
    "",
    "not a date",
]
FORMATS = ["d-m-Y", "d-m-Y H:i", "d-m-Y H:i:s", "j F Y", None]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_and_value_reads_as_with_djangos_filter(fmt):
    source = "{{ value|date }}" if fmt is None else "{{ value|date:'" + fmt + "' }}"
    template = engines["django"].from_string(source)
    with translation.override("nl"):
        for value in VALUES:
            local = timezone.localtime(value) if isinstance(value, datetime) and timezone.is_aware(value) else value
            try:
                expected = django_date(local, fmt)
            except TypeError:  # Django refuses a time format for a plain date: so must we
                with pytest.raises(TypeError):
                    template.render({"value": value})
                continue

            assert template.render({"value": value}) == expected


def test_a_date_in_the_list_format_is_amsterdam_time():
    rendered = (
        engines["django"]
        .from_string('{{ value|date:"d-m-Y H:i" }}')
        .render({"value": datetime(2026, 12, 31, 23, 30, tzinfo=UTC)})
    )

    assert rendered == "01-01-2027 00:30"
