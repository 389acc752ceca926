"""Work for the django-tasks worker: scheduled briefings publish themselves at their time."""

from django_tasks import task


@task()
def publish_due_briefings() -> int:
    """Enqueued with run_after=publish_at; publishes whatever is due (idempotent)."""
    from briefing.services import briefing_publish_due  # the services enqueue this task

    return len(briefing_publish_due())
