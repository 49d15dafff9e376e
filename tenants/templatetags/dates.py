"""The |date filter, with the three formats the templates use written without Django's
format-string parser (loaded as a template builtin in config/settings.py).

Django's DateFormat parses the format string and dispatches on every character for every
value: about 25 microseconds a date, which a list of 25 rows with a date each pays 25 times.
d-m-Y, d-m-Y H:i and d-m-Y H:i:s are written by hand, with Django's meaning of every letter
(two-digit day, month, hour, minute and second, four-digit year); anything else, and anything
that is not a date, goes to Django's own filter.
"""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime

from django import template
from django.template.defaultfilters import date as django_date

register = template.Library()

_DATE = "{0.day:02d}-{0.month:02d}-{0.year:04d}"
_BY_FORMAT = {
    "d-m-Y": (Date, _DATE),
    "d-m-Y H:i": (datetime, _DATE + " {0.hour:02d}:{0.minute:02d}"),
    "d-m-Y H:i:s": (datetime, _DATE + " {0.hour:02d}:{0.minute:02d}:{0.second:02d}"),
}


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    kind, pattern = _BY_FORMAT.get(arg, (None, None))
    if kind is not None and isinstance(value, kind):
        return pattern.format(value)
    return django_date(value, arg)
