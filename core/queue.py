"""The task queue as operators see it, from django-tasks-db's rows: what waits, and since when.

A task enqueued for "now" stores the largest date as its run_after; one enqueued for later
stores that time. Either way it has waited since the later of its enqueueing and run_after."""

from django.db.models import Case, F, When
from django_tasks_db.models import DBTaskResult, get_date_max


def tasks_waiting():
    """Tasks due and not yet taken by a worker, annotated with `waiting_since`."""
    since = Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))
    return DBTaskResult.objects.ready().annotate(waiting_since=since).order_by()
