"""Generate a large synthetic archive for benchmarks: `manage.py generate_archive --articles N`."""

import time

from django.core.management.base import BaseCommand, CommandError

from articles.generate import archive_generate, archive_replicate
from articles.models import Article
from core.progress import ProgressBar


class Command(BaseCommand):
    help = "Add N generated articles (20 years, hundreds of sources, thousands of authors/tags)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=0)
        parser.add_argument(
            "--copies",
            type=int,
            default=1,
            help="Then make the archive this many times its size by copying its articles "
            "(ids shifted, dates rotated within the twenty years): minutes for a million.",
        )
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--sources", type=int, default=400)
        parser.add_argument("--authors", type=int, default=5000)
        parser.add_argument("--tags", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--dry-run", action="store_true", help="Say what would be done.")

    def handle(self, *args, articles, copies, dry_run, **options):
        if articles < 1 and copies < 2:
            raise CommandError("--articles must be at least 1 (or --copies at least 2).")
        if dry_run:
            self.stdout.write(f"Would generate {articles} articles, then make {copies} copies.")
            return
        started = time.monotonic()
        if articles:
            self.generate(articles, options)
        if copies > 1:
            have = Article.objects.count()
            bar = ProgressBar(self.stdout, have * (copies - 1), unit="articles copied")
            added = archive_replicate(copies=copies, progress=bar)
            self.stdout.write(f"Copied {added} articles.")
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Done in {elapsed:.0f} s."))

    def generate(self, articles, options):
        started = time.monotonic()
        bar = ProgressBar(self.stdout, articles, unit="articles")
        added = archive_generate(
            articles=articles,
            batch_size=options["batch_size"],
            sources=options["sources"],
            authors=options["authors"],
            tags=options["tags"],
            seed=options["seed"],
            progress=bar,
        )
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Generated {added} articles in {elapsed:.0f} s."))
