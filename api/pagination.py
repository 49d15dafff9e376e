"""Cursor pagination: a page is read from an index whatever the list's size, and stays stable
while rows are added (no page numbers that shift, no COUNT over a million tasks)."""

from rest_framework.pagination import CursorPagination


class CursorPage(CursorPagination):
    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class NewestFirstPage(CursorPage):
    ordering = "-pk"
