"""Work for the django-tasks worker: the feeds are polled every INTAKE_FEED_TICK seconds."""

import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

TASK_PATH = "intake.tasks.poll_feeds"


def tick() -> datetime.timedelta:
    return datetime.timedelta(seconds=int(getattr(settings, "INTAKE_FEED_TICK", 60)))


def schedule_next() -> bool:
    """Queue the next round unless one is already queued (one chain of rounds, however many
    workers run)."""
    if DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").exists():
        return False
    poll_feeds.using(run_after=timezone.now() + tick()).enqueue()
    return True


@task()
def poll_feeds() -> dict:
    """Poll the feeds that are due, then queue the next round."""
    from intake.polling import feeds_poll

    try:
        return feeds_poll()
    finally:
        schedule_next()
