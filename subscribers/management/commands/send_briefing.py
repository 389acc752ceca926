"""Send a published briefing to every confirmed subscriber, from the shell, with a progress bar."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from briefing.models import Briefing
from core.progress import ProgressBar
from subscribers import delivery, services
from subscribers.models import Delivery


class Command(BaseCommand):
    help = "Email a published briefing (YYYY-MM-DD) to its subscribers; safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("date", type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say how many would receive it; send nothing."
        )

    def handle(self, *args, date, dry_run, **options):
        briefing = Briefing.objects.published().filter(date=date).first()
        if briefing is None:
            raise CommandError(f"No published briefing for {date:%Y-%m-%d}.")
        if dry_run:
            count = services.briefing_send_recipients().count()
            self.stdout.write(f"Dry run: {count} subscribers would receive {briefing}.")
            return
        send, created = services.briefing_send_create(briefing=briefing)
        if not created:
            self.stdout.write("This briefing's send already exists: finishing what is left.")
        todo = send.deliveries.unfinished().count()
        bar = ProgressBar(self.stdout, todo, unit="emails")
        delivery.send_deliver(send_id=send.pk, progress=bar.step)
        counts = {s: send.deliveries.filter(status=s).count() for s in Delivery.Status.values}
        summary = ", ".join(f"{name}: {n}" for name, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"{briefing}: {summary}"))
        if counts["pending"] or counts["sending"]:
            self.stdout.write(
                "Retries are due later: `send_pending_deliveries` (cron) sends them."
            )
