"""/healthz: 200 when the database answers and the task worker keeps up; 503 with a short JSON
reason when the database is unreachable, or when tasks have been waiting longer than
WORKER_STALL_SECONDS while no worker took any task in that time (no worker running, or all
stuck). `/healthz?scope=web` checks the database only: for a load balancer, which should not
take the web servers out of rotation because the worker stopped."""

from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_tasks_db.models import DBTaskResult

from core.queue import tasks_waiting


def worker_stalled() -> str:
    """The reason the worker looks stalled, or "" when it keeps up."""
    stall = settings.WORKER_STALL_SECONDS
    since = timezone.now() - timedelta(seconds=stall)
    if not tasks_waiting().filter(waiting_since__lte=since).exists():
        return ""  # the usual answer, cheap: a partial index holds the ready tasks
    if DBTaskResult.objects.filter(started_at__gte=since).exists():
        return ""
    count = tasks_waiting().count()
    return f"worker stalled: {count} tasks waiting, none taken for {stall} s"


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        reason = "" if request.GET.get("scope") == "web" else worker_stalled()
    except DatabaseError as exc:
        reason = f"database unreachable: {type(exc).__name__}"
    if reason:
        return JsonResponse({"status": "error", "reason": reason}, status=503)
    return JsonResponse({"status": "ok"})
