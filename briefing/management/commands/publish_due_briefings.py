"""Publish the scheduled briefings whose time has come. Safe to run every minute from cron."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from briefing.models import Briefing
from briefing.services import briefing_publish_due


class Command(BaseCommand):
    help = "Publish every scheduled briefing whose publish time has passed (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what is due, publish nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            due = Briefing.objects.filter(
                status=Briefing.Status.SCHEDULED, publish_at__lte=timezone.now()
            )
            for briefing in due:
                self.stdout.write(f"due: {briefing}")
            self.stdout.write(f"{len(due)} briefing(s) due (dry run: nothing published)")
            return
        published = briefing_publish_due()
        for briefing in published:
            self.stdout.write(f"published: {briefing}")
        self.stdout.write(self.style.SUCCESS(f"{len(published)} briefing(s) published"))
