"""manage.py check_links [--limit N] [--source SLUG] [--dry-run] [--schedule]: check the
articles' read-full links that are due now (a first pass over an imported archive), with a
progress bar; the worker does the same, one round's share every LINKHEALTH_TICK seconds."""

from django.core.management.base import BaseCommand, CommandError

from articles.models import Source
from core.progress import ProgressBar
from linkhealth import tasks
from linkhealth.services import links_check


class Command(BaseCommand):
    help = "Check the read-full links that are due (all of them, or --limit N), politely."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, help="Check at most N links (default: all due).")
        parser.add_argument("--source", metavar="SLUG", help="Only this source's articles.")
        parser.add_argument(
            "--seconds", type=float, default=24 * 3600, help="Stop after this many seconds."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what is due; fetch nothing."
        )
        parser.add_argument("--schedule", action="store_true",
                            help="Queue the worker's recurring rounds instead.")  # fmt: skip

    def handle(self, *args, limit=None, source=None, seconds=None, dry_run=False, schedule=False,
               **options):  # fmt: skip
        if schedule:
            queued = tasks.schedule_next()
            self.stdout.write(
                "Queued the next rounds." if queued else "The rounds are already queued."
            )
            return
        if limit is not None and limit < 1:
            raise CommandError("--limit must be a positive number.")
        if source and not Source.objects.filter(slug=source).exists():
            raise CommandError(f"No source has the slug {source!r}.")
        bar = None if dry_run else ProgressBar(self.stdout, 0, label="Checking", unit="links")
        counts = links_check(limit=limit or 10**9, source=source, seconds=seconds,
                             progress=bar, dry_run=dry_run)  # fmt: skip
        if dry_run:
            self.stdout.write(f"{counts['due']} link(s) are due; none was checked (dry run).")
            return
        states = ", ".join(
            f"{counts[s]} {s}" for s in ("ok", "moved", "failing", "gone", "changed", "blocked")
        )
        self.stdout.write(
            f"{counts['checked']} of {counts['due']} due link(s) checked: {states}; "
            f"{counts['archived_found']} archived copies found."
        )
