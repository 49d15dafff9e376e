"""Blocks that apps higher up add to a page of an app below them.

A relation's or contact's page shows what other apps know of it (its Client Online state, the
tasks a contact reported) without importing those apps: they register a provider in their
AppConfig.ready (STYLE 16, dependencies point one way). A provider returns a Panel, or None when
it has nothing to show for that object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    """A template (rendered with `data` in its context) and what it shows."""

    template_name: str
    data: Any


Provider = Callable[[Any], Panel | None]


class PanelRegistry:
    def __init__(self, name: str) -> None:
        self.name = name
        self._providers: list[Provider] = []

    def register(self, provider: Provider) -> Provider:
        # AppConfig.ready can run more than once in one process (test runners): register once.
        if provider not in self._providers:
            self._providers.append(provider)
        return provider

    def panels_for(self, obj) -> list[Panel]:
        return [panel for provider in self._providers if (panel := provider(obj)) is not None]
