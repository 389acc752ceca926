"""Work for the django-tasks worker: scheduled briefings publish themselves at their time."""

from django_tasks import task

from briefing import services


@task()
def publish_due_briefings() -> int:
    """Enqueued with run_after=publish_at; publishes whatever is due (idempotent)."""
    return len(services.briefing_publish_due())
