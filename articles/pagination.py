"""A paginator whose count is bounded, so a list of a million articles costs what one of ten
thousand does: an exact count of every match is the slowest query of a deep archive."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

MAX_PAGES = 100


class BoundedPaginator(Paginator):
    @cached_property
    def count(self):
        limit = self.per_page * MAX_PAGES
        return self.object_list[: limit + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.per_page * MAX_PAGES

    @cached_property
    def num_pages(self):
        return min(super().num_pages, MAX_PAGES)
