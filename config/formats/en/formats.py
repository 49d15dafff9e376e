"""English pages write dates the same way as Dutch ones (config/formats/nl/formats.py): the
back office serves Dutch businesses, and a date must read the same whichever language a
colleague chose."""

from config.formats.nl.formats import DATE_FORMAT, DATETIME_FORMAT, SHORT_DATE_FORMAT, SHORT_DATETIME_FORMAT

__all__ = ["DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT"]
