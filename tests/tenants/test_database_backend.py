"""config/postgresql: what the backend changes must not change a single value read."""

from __future__ import annotations

from datetime import UTC

import pytest
from django.db import DataError, connection
from django.db.backends.postgresql.psycopg_any import register_tzloader

from config.postgresql.base import UtcTimestamptzLoader

STORED = [
    "2026-11-30 12:34:56.123456+00",
    "2026-11-30 12:34:56.1+00",
    "2026-03-29 02:30:00+02",  # written in another offset, read back in UTC
    "2026-11-30 00:00:00+00",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
]


def read(values, *, django_loader: bool):
    columns = ", ".join("%s::timestamptz" for _ in values)
    with connection.cursor() as cursor:
        if django_loader:
            register_tzloader(UTC, cursor.cursor)  # what Django itself would register
        cursor.execute(f"SELECT {columns}, NULL::timestamptz", values)
        return cursor.fetchone()


@pytest.mark.django_db
def test_timestamps_read_the_same_as_with_djangos_own_loader():
    with connection.cursor():
        assert connection.connection.adapters.get_loader(1184, 0) is UtcTimestamptzLoader
    fast, django = read(STORED, django_loader=False), read(STORED, django_loader=True)
    assert fast == django
    assert all(value.tzinfo is UTC for value in fast[:-1])
    assert fast[-1] is None
    assert fast[2].hour == 0 and fast[2].minute == 30


@pytest.mark.django_db
def test_a_timestamp_python_cannot_hold_still_gives_djangos_error():
    with pytest.raises(DataError, match="after year 10K"):
        read(["12000-01-01 00:00:00+00"], django_loader=False)
