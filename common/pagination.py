"""Pagination shared by the apps."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator


class CountedPaginator(Paginator):
    """A paginator told its count by a caller that already has it (from grouped counts, or
    an unsorted ``COUNT``), so it never counts the rows again."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count
