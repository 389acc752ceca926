"""Background work: deliver a briefing's send or a confirmation request, and come back when
retries fall due.

django-tasks-db neither retries a failed task nor recovers one whose worker died, so each run
works from the Delivery rows and, while anything is left, queues its own follow-up. The cron
sweep (`manage.py send_pending_deliveries`) finishes whatever a lost chain of tasks left.
"""

from django_tasks import task

from subscribers import delivery
from subscribers.models import Delivery


@task()
def briefing_send_deliver(send_id: int) -> bool:
    """Deliver what is due; return True when the send is complete."""
    delivery.send_deliver(send_id=send_id)
    due = Delivery.objects.filter(send_id=send_id).next_due()
    if due is None:
        return True
    briefing_send_deliver.using(run_after=due).enqueue(send_id=send_id)
    return False


@task()
def confirmation_deliver(delivery_id: int) -> bool:
    """Send one confirmation request; return True once it is settled (sent, skipped, failed)."""
    delivery.confirmations_deliver(delivery_ids=[delivery_id])
    due = Delivery.objects.filter(pk=delivery_id).next_due()
    if due is None:
        return True
    confirmation_deliver.using(run_after=due).enqueue(delivery_id=delivery_id)
    return False
