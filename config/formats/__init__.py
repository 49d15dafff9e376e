"""Date formats per language (FORMAT_MODULE_PATH in config/settings.py).

Templates write a date the one way Django offers, by the name of a format:
{{ value|date:"SHORT_DATE_FORMAT" }}, {{ value|date:"SHORT_DATETIME_FORMAT" }}, and
{{ value|date:"DATETIME_FORMAT" }} where a moment is shown to the second (the security log,
history, sync runs); Python writes one for a message with
django.utils.formats.date_format(value, "SHORT_DATE_FORMAT"). A format not named here comes
from Django's own locale module for the language.
"""
