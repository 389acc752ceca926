"""Bounces and complaints reported by the mail provider, through django-anymail's tracking
webhooks (/anymail/<provider>/tracking/: Amazon SES, Mailgun, Postmark, SendGrid and the rest
anymail normalises). Anymail checks each request (the shared WEBHOOK_SECRET as HTTP basic auth;
Mailgun's HMAC signature as well) before it sends the `tracking` signal handled here.

Providers retry a webhook until it is answered, and may deliver an event twice: each event is
recorded once, by the provider's own id for it, and only its first arrival changes anything.
A hard bounce, a rejection or a complaint stops the mail to that address before the next send;
a soft bounce counts toward SUBSCRIBER_BOUNCE_THRESHOLD, as an SMTP refusal does.
"""

import hashlib
import json
from functools import wraps

from anymail.signals import EventType, tracking
from anymail.webhooks.amazon_ses import AmazonSESTrackingWebhookView
from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from anymail.webhooks.sendgrid import SendGridTrackingWebhookView
from django.conf import settings
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.http import Http404
from django.urls import path
from django.utils import timezone

from subscribers.delivery import subscriber_bounce
from subscribers.models import Delivery, DeliveryEvent, Subscriber

# provider: (anymail's tracking view, the settings it cannot be trusted without)
PROVIDERS = {
    "amazon_ses": (AmazonSESTrackingWebhookView, ["WEBHOOK_SECRET"]),
    "mailgun": (MailgunTrackingWebhookView, ["WEBHOOK_SECRET", "MAILGUN_WEBHOOK_SIGNING_KEY"]),
    "postmark": (PostmarkTrackingWebhookView, ["WEBHOOK_SECRET"]),
    "sendgrid": (SendGridTrackingWebhookView, ["WEBHOOK_SECRET"]),
}


def secured(view, required: list[str]):
    """Without its secret a webhook would take anyone's word for a bounce (and unsubscribe
    whoever they name): until the secrets are set, the URL does not exist."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not all(settings.ANYMAIL.get(name) for name in required):
            raise Http404("This webhook is not configured.")
        return view(request, *args, **kwargs)

    return guarded


urlpatterns = [
    path(
        f"{provider}/tracking/",
        secured(view.as_view(), required),
        name=f"{provider}_tracking_webhook",
    )
    for provider, (view, required) in PROVIDERS.items()
]


TYPES = {
    EventType.BOUNCED: DeliveryEvent.Type.BOUNCED,
    EventType.DEFERRED: DeliveryEvent.Type.DEFERRED,
    EventType.REJECTED: DeliveryEvent.Type.REJECTED,
    EventType.COMPLAINED: DeliveryEvent.Type.COMPLAINED,
    EventType.UNSUBSCRIBED: DeliveryEvent.Type.UNSUBSCRIBED,
    EventType.DELIVERED: DeliveryEvent.Type.DELIVERED,
}
SUPPRESSING = {
    DeliveryEvent.Type.BOUNCED,
    DeliveryEvent.Type.REJECTED,
    DeliveryEvent.Type.COMPLAINED,
    DeliveryEvent.Type.UNSUBSCRIBED,
}


@receiver(tracking, dispatch_uid="subscribers_provider_event")
def provider_event(sender, event, esp_name, **kwargs):
    delivery_event_record(event=event, provider=esp_name)


def event_type(event) -> str:
    kind = TYPES.get(event.event_type, DeliveryEvent.Type.OTHER)
    if kind == DeliveryEvent.Type.BOUNCED and is_soft(event):
        return DeliveryEvent.Type.DEFERRED
    return kind


def is_soft(event) -> bool:
    """A bounce the provider itself calls temporary (SES "Transient", Postmark "SoftBounce")."""
    raw = event.esp_event if isinstance(event.esp_event, dict) else {}
    return (event.description or "").startswith("Transient") or raw.get("Type") == "SoftBounce"


def event_key(event) -> str:
    """The provider's id of the event, per recipient (one SES notification covers them all);
    a digest of the event where the provider gives none."""
    if event.event_id:
        return f"{event.event_id}:{(event.recipient or '').lower()}"[:255]
    raw = event.esp_event if isinstance(event.esp_event, dict) else repr(event.esp_event)
    return hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()


def delivery_find(event) -> Delivery | None:
    """The email the event is about: by Message-ID where the provider reports ours (Mailgun),
    otherwise the latest email sent to the recipient (SES and Postmark report their own ids)."""
    sent = Delivery.objects.filter(status=Delivery.Status.SENT).select_related("subscriber")
    message_id = (event.message_id or "").strip("<>")
    if message_id:
        found = sent.filter(message_id__in=[message_id, f"<{message_id}>"]).first()
        if found:
            return found
    if not event.recipient:
        return None
    return sent.filter(subscriber__email__iexact=event.recipient).order_by("-sent_at").first()


def delivery_event_record(*, event, provider: str) -> DeliveryEvent | None:
    """Record one provider event and act on it; None when it was recorded before (a retry)."""
    kind = event_type(event)
    delivery = delivery_find(event)
    subscriber = delivery.subscriber if delivery else None
    if subscriber is None and event.recipient:
        subscriber = Subscriber.objects.filter(email__iexact=event.recipient).first()
    try:
        with transaction.atomic():
            recorded = DeliveryEvent.objects.create(
                provider=provider,
                event_id=event_key(event),
                type=kind,
                delivery=delivery,
                subscriber=subscriber,
                description=(event.description or event.mta_response or "")[:500],
                occurred_at=event.timestamp,
            )
            if subscriber is not None:
                subscriber_act_on(subscriber=subscriber, kind=kind)
    except IntegrityError:
        return None  # the same event again: it changed things the first time
    return recorded


def subscriber_act_on(*, subscriber: Subscriber, kind: str) -> None:
    if kind == DeliveryEvent.Type.DEFERRED:
        subscriber_bounce(subscriber_id=subscriber.pk)
    elif kind == DeliveryEvent.Type.COMPLAINED or kind == DeliveryEvent.Type.UNSUBSCRIBED:
        # A complaint is the strongest unsubscribe there is (and the provider's own list
        # stops mailing them too): never mailed again unless they opt in again.
        Subscriber.objects.filter(pk=subscriber.pk).update(
            status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now()
        )
    elif kind in SUPPRESSING:
        Subscriber.objects.filter(pk=subscriber.pk).update(
            status=Subscriber.Status.BOUNCED, bounce_count=subscriber.bounce_count + 1
        )
