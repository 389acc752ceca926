"""Work for the django-tasks worker, two chains of rounds (each queues its next round, and
only one round of each is ever waiting, however many workers run): the link checker every
LINKHEALTH_TICK seconds, and the Wayback Machine queue at its own pace."""

import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

CHECK_PATH = "linkhealth.tasks.check_links"
ARCHIVE_PATH = "linkhealth.tasks.archive_links"


def _queue(task_path: str, task_function, seconds: float) -> bool:
    if DBTaskResult.objects.filter(task_path=task_path, status="READY").exists():
        return False
    run_after = timezone.now() + datetime.timedelta(seconds=seconds)
    task_function.using(run_after=run_after).enqueue()
    return True


def schedule_next() -> bool:
    """Queue the next rounds of both chains unless they are already queued."""
    checks = _queue(CHECK_PATH, check_links, settings.LINKHEALTH_TICK)
    archive = _queue(ARCHIVE_PATH, archive_links, 0)
    return checks or archive


@task()
def check_links() -> dict:
    """Check one round's share of the archive, then queue the next round."""
    from linkhealth.services import links_check

    try:
        return links_check()
    finally:
        _queue(CHECK_PATH, check_links, settings.LINKHEALTH_TICK)


@task()
def archive_links() -> float:
    """One step of the Wayback Machine queue, then the next at the pace it allows."""
    from linkhealth.services import archive_step

    wait = float(settings.LINKHEALTH_TICK)
    try:
        wait = archive_step()
        return wait
    finally:
        _queue(ARCHIVE_PATH, archive_links, wait)


@task()
def check_links_now(article_ids: list[int]) -> dict:
    """Editors' "check again"."""
    from linkhealth.services import links_check

    return links_check(article_ids=article_ids)
