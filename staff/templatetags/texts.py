"""Text filters for messages and errors shown to people."""

import re

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# A name that ends in an abbreviation ("Jansen B.V.") at the end of a sentence gives "B.V.."
# when the message adds its own full stop. An ellipsis ("...") is left alone.
_DOUBLE_STOP = re.compile(r"(?<=[^\W\d_]\.)\.(?=\s|$)")


@register.filter
def sentence(text):
    """The text with a doubled full stop after an abbreviation reduced to one."""
    # A message arrives as a Message: its text (str()) says whether it was marked safe.
    value = str(text)
    tidied = _DOUBLE_STOP.sub("", value)
    return mark_safe(tidied) if isinstance(value, SafeString) else tidied  # noqa: S308 - same text, one dot fewer
