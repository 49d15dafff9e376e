"""Validators shared by every app's single-line fields."""

from __future__ import annotations

import re

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# C0 and C1 control characters plus the Unicode line and paragraph separators: each can break a
# mail header (a name ends up in From/To/Subject) or a one-line display (a list row, a log line).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

reject_control_characters = RegexValidator(
    regex=_CONTROL_CHARACTERS,
    inverse_match=True,
    message=_("Line breaks, tabs and other control characters are not allowed here."),
    code="control_characters",
)
