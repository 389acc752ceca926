"""The sweep: finish every unfinished send and confirmation request (retries due, claims of
dead workers). Cron-safe.

Run it every few minutes from cron; any number may run at once, on any number of machines:
workers share the work through row claims, never sending one delivery twice.
"""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from subscribers import delivery
from subscribers.models import BriefingSend, Delivery


class Command(BaseCommand):
    help = "Send the deliveries that are due: briefing sends and confirmation requests."

    def add_arguments(self, parser):
        parser.add_argument(
            "--until-complete",
            action="store_true",
            help="Keep going (waiting for retries and expired claims) until every send is done.",
        )
        parser.add_argument(
            "--max-seconds",
            type=float,
            default=3600,
            help="Stop claiming new work after this long (default 3600), so cron runs never "
            "pile up; whatever is left goes with the next run.",
        )

    def handle(self, *args, until_complete, max_seconds, **options):
        deadline = time.monotonic() + max_seconds
        confirmations = Delivery.objects.one_off()
        while True:
            delivery.confirmations_deliver(deadline=deadline)
            for send in BriefingSend.objects.unfinished():
                delivery.send_deliver(send_id=send.pk, deadline=deadline)
            unfinished = [s.deliveries.all() for s in BriefingSend.objects.unfinished()]
            waits = [deliveries.next_due() for deliveries in [*unfinished, confirmations]]
            waits = [w for w in waits if w is not None]
            if not until_complete or not waits or time.monotonic() > deadline:
                break
            pause = (min(waits) - timezone.now()).total_seconds()
            time.sleep(min(max(pause, 0.2), 30, max(deadline - time.monotonic(), 0)))
        left = BriefingSend.objects.unfinished().count()
        self.stdout.write(f"Unfinished sends: {left}.")
