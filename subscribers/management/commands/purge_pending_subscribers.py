"""Delete signups never confirmed after PENDING_SIGNUP_PURGE_AFTER seconds, and old counters."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand

from subscribers import ratelimit, services


class Command(BaseCommand):
    help = "Purge unconfirmed signups older than PENDING_SIGNUP_PURGE_AFTER (or --older-than)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=settings.PENDING_SIGNUP_PURGE_AFTER,
            help="Age in seconds (default: PENDING_SIGNUP_PURGE_AFTER).",
        )
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, older_than, dry_run, **options):
        age = timedelta(seconds=older_than)
        if dry_run:
            count = services.subscribers_pending_stale(older_than=age).count()
            self.stdout.write(f"Dry run: {count} unconfirmed signups would be deleted.")
            return
        count = services.subscribers_purge_pending(older_than=age)
        ratelimit.attempts_purge()
        self.stdout.write(f"Deleted {count} unconfirmed signups older than {age}.")
