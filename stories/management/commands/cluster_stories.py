from django.core.management.base import BaseCommand, CommandError

from core.progress import ProgressBar
from stories import backfill


class Command(BaseCommand):
    help = (
        "Cluster the existing archive into stories: fingerprint articles that have none, then "
        "link each article to the candidates scoring at least the auto-link threshold "
        "(STORIES_AUTO_LINK_THRESHOLD). Lower-scoring candidates are left for editors, who see "
        "them on the article form. Resumable (each article is marked once clustered; an edit "
        "clears the mark) and idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--threshold", type=float, default=None, help="auto-link threshold")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument(
            "--limit", type=int, help="stop after this many articles (resume later)"
        )
        parser.add_argument(
            "--restart", action="store_true", help="start again from the first article"
        )
        parser.add_argument("--fingerprints-only", action="store_true")
        parser.add_argument(
            "--dry-run", action="store_true", help="count, link nothing (one batch)"
        )

    def handle(
        self, *args, threshold, batch_size, limit, restart, fingerprints_only, dry_run, **options
    ):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1.")
        threshold = backfill.auto_link_threshold() if threshold is None else threshold
        made = backfill.fingerprints_backfill(progress=self._progress("Fingerprints"))
        self.stdout.write(f"Fingerprinted {made} article(s).")
        if fingerprints_only:
            return
        if restart and not dry_run:
            backfill.backfill_restart()
        counts = backfill.stories_backfill(
            threshold=threshold,
            batch_size=batch_size,
            limit=limit,
            dry_run=dry_run,
            progress=self._progress("Clustering"),
        )
        verb = "would link" if dry_run else "linked"
        self.stdout.write(
            self.style.SUCCESS(
                f"Checked {counts['articles']} article(s); {verb} {counts['linked']} pair(s) "
                f"scoring at least {threshold:.2f}."
            )
        )

    def _progress(self, label):
        return ProgressBar(self.stderr, 0, label=label, unit="articles")
