"""manage.py poll_feeds [--schedule]: poll the due feeds once now (the worker does it every
INTAKE_FEED_TICK seconds), or queue the worker's recurring round."""

from django.core.management.base import BaseCommand

from intake import tasks
from intake.polling import feeds_poll


class Command(BaseCommand):
    help = "Poll the sources' feeds that are due, once; --schedule queues the worker's rounds."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule", action="store_true", help="Queue the recurring round for the worker."
        )

    def handle(self, *args, schedule=False, **options):
        if schedule:
            queued = tasks.schedule_next()
            self.stdout.write("Queued the next round." if queued else "A round is already queued.")
            return
        counts = feeds_poll()
        self.stdout.write(
            "{feeds} feed(s) polled: {new_items} new item(s), {not_modified} not modified, "
            "{errors} error(s), {stopped} stopped.".format(**counts)
        )
