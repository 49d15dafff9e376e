"""Dutch dates as the back office writes them: day-month-year with two-digit day and month."""

DATE_FORMAT = "d-m-Y"
SHORT_DATE_FORMAT = "d-m-Y"
# To the second: the security log, change history and sync runs.
DATETIME_FORMAT = "d-m-Y H:i:s"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
