"""Recount the words "did you mean" proposes: `manage.py refresh_search_words` (daily)."""

import time

from django.core.management.base import BaseCommand

from articles.entries import search_words_refresh


class Command(BaseCommand):
    help = "Rebuild the archive's words and their article counts for search suggestions."

    def add_arguments(self, parser):
        parser.add_argument(
            "--least", type=int, default=1, help="Leave out words fewer articles use."
        )

    def handle(self, *args, least, **options):
        started = time.monotonic()
        words = search_words_refresh(least=least)
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"{words} words counted in {elapsed:.1f} s."))
