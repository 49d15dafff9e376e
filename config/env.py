"""Small typed environment helpers that fail loudly on bad values (STYLE.md, 9)."""

from __future__ import annotations

import os
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(url: str, *, engine: str) -> dict:
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(f"DATABASE_URL must be a postgresql:// URL, got {parsed.scheme!r}")
    return {
        "ENGINE": engine,
        "NAME": unquote(parsed.path.lstrip("/")),
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        # Plain persistent connections: no transaction-mode pooler in front of
        # PostgreSQL, because django-tenants sets search_path per connection (DESIGN.md).
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        # Statements run often are prepared (psycopg, after 5 runs); PostgreSQL still plans each
        # run for its own values (force_custom_plan). A generic plan, chosen after five more
        # runs, cannot know that assignee 1 has 7,000 open tasks and another none: the home
        # page's capped counts went from 60 ms to 2 s at a million tasks (bench/scale.py).
        "OPTIONS": {
            "server_side_binding": True,
            "prepare_threshold": 5,
            "options": "-c plan_cache_mode=force_custom_plan",
        },
    }
