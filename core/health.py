"""/healthz: 200 when the database answers, 503 with a short JSON reason when it does not."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        reason = f"database unreachable: {type(exc).__name__}"
        return JsonResponse({"status": "error", "reason": reason}, status=503)
    return JsonResponse({"status": "ok"})
