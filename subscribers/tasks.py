"""Background work: deliver a briefing's send, and come back when retries fall due.

django-tasks-db neither retries a failed task nor recovers one whose worker died, so each run
works from the Delivery rows and, while anything is left, queues its own follow-up. The cron
sweep (`manage.py send_pending_deliveries`) finishes sends whose chain of tasks was lost.
"""

from django_tasks import task

from subscribers import delivery


@task()
def briefing_send_deliver(send_id: int) -> bool:
    """Deliver what is due; return True when the send is complete."""
    delivery.send_deliver(send_id=send_id)
    due = delivery.send_next_due(send_id=send_id)
    if due is None:
        return True
    briefing_send_deliver.using(run_after=due).enqueue(send_id=send_id)
    return False
