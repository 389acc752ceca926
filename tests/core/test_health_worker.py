"""/healthz reports the task worker: 503 when tasks wait and no worker has taken any."""

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from briefing.tasks import publish_due_briefings

pytestmark = pytest.mark.django_db


def enqueued(minutes_ago: float, **later):
    """A task queued `minutes_ago`, as `publish_due_briefings.enqueue(**later)` makes it."""
    result = publish_due_briefings.using(**later).enqueue()
    moment = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=moment)
    return result


def test_healthz_is_503_when_tasks_wait_longer_than_the_stall_time_and_no_worker_takes_any(
    client, settings
):
    settings.WORKER_STALL_SECONDS = 300
    enqueued(minutes_ago=6)
    enqueued(minutes_ago=1)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "reason": "worker stalled: 2 tasks waiting, none taken for 300 s",
    }
    # A load balancer asks about the web servers only.
    assert client.get("/healthz?scope=web").status_code == 200


def test_healthz_is_200_while_a_worker_keeps_taking_tasks(client, settings):
    settings.WORKER_STALL_SECONDS = 300
    enqueued(minutes_ago=6)
    taken = enqueued(minutes_ago=2)
    DBTaskResult.objects.filter(pk=taken.id).update(
        status="RUNNING", started_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert client.get("/healthz").status_code == 200


def test_tasks_queued_recently_or_scheduled_for_later_are_not_a_stall(client, settings):
    settings.WORKER_STALL_SECONDS = 300
    enqueued(minutes_ago=1)
    enqueued(minutes_ago=60, run_after=timezone.now() + datetime.timedelta(hours=1))
    assert client.get("/healthz").status_code == 200


def test_a_scheduled_task_waits_from_its_run_after_time(client, settings):
    settings.WORKER_STALL_SECONDS = 60
    enqueued(minutes_ago=60, run_after=timezone.now() - datetime.timedelta(minutes=5))
    assert client.get("/healthz").status_code == 503
