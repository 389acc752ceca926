"""The mailing list hears of the briefings published below it."""

from django.dispatch import receiver

from briefing.signals import briefing_published
from subscribers import services


@receiver(briefing_published, dispatch_uid="subscribers_email_published_briefing")
def email_published_briefing(sender, briefing, **kwargs):
    """In the publishing transaction: the briefing is published if and only if its send
    exists (the delivery itself is queued after the commit), so no email is lost or doubled."""
    if briefing.email_subscribers:
        services.briefing_send_enqueue(briefing=briefing)
